"""The page's own words and how its pages are rendered: the report's templates with this server's assets."""

from __future__ import annotations

import dataclasses
from typing import Any

from checker import __version__
from checker.render.html_out import environment
from checker.render.html_view import WORDS, run_view
from checker.results import RunResult

PAGE_WORDS = {
    "zh": {"page_title": "绩效自评自查", "intro": "把自评报告或自评表（.docx、.xlsx、导出的 .txt、.yaml/.json）拖到这里，或点击选择文件。"
                                              "文件只在本机检查，检查完即删除。",
           "choose": "选择文件", "check": "开始检查", "profile": "评分口径", "select": "只用这些规则",
           "ignore": "不用这些规则", "rules": "自定义规则包（.yaml）", "fixed": "检查设置由服务器的设置文件确定",
           "limits": "单个文件不超过 {file}，每次最多 {files} 个文件，合计不超过 {total}",
           "checking": "正在检查", "checked": "已检查", "files": "个文件", "failed": "检查失败",
           "downloads": "下载", "annotated": "批注副本", "again": "再检查一批", "uploading": "正在上传",
           "delete": "删除本批结果（服务器上的报告和批注副本）",
           "nofile": "请先选择或拖入要检查的文件。", "too_large": "{name} 有 {size}，超过单个文件上限 {limit}，未上传。",
           "too_many": "一次最多 {limit} 个文件，现选了 {n} 个。", "too_much": "合计 {size}，超过每次上传上限 {limit}。",
           "network": "网络中断，未能上传，请重试。",
           "lang_switch": "English"},
    "en": {"page_title": "Self-check", "intro": "Drop the self-evaluation reports or tables (.docx, .xlsx, text "
                                               "export .txt, .yaml/.json) here, or choose them. Files are checked "
                                               "on this machine only and deleted once checked.",
           "choose": "Choose files", "check": "Check", "profile": "scoring profile", "select": "only these rules",
           "ignore": "skip these rules", "rules": "own rule pack (.yaml)", "fixed": "the settings are fixed by "
                                                                                   "the server's settings file",
           "limits": "up to {file} a file, {files} files and {total} in all per upload",
           "checking": "Checking", "checked": "checked", "files": "files", "failed": "the check failed",
           "downloads": "Downloads", "annotated": "annotated copy", "again": "Check more files",
           "delete": "Delete these results (the reports and annotated copies on the server)",
           "nofile": "Choose or drop the files to check first.",
           "too_large": "{name} is {size}, over the limit of {limit} a file; nothing was uploaded.",
           "too_many": "At most {limit} files an upload; {n} are chosen.",
           "too_much": "{size} in all, over the limit of {limit} an upload.",
           "network": "The network failed; nothing was uploaded. Try again.",
           "uploading": "Uploading", "lang_switch": "中文"},
}


def words(lang: str) -> dict:
    return {**WORDS[lang], **PAGE_WORDS[lang]}


def render(name: str, lang: str, **context: Any) -> str:
    return environment().get_template(name).render(
        lang=lang, w=words(lang), static="/static", inline_assets=False, assets={}, version=__version__, **context)


def batch_page(batch: Any, result: RunResult, lang: str) -> str:
    """A checked batch's result page: the report of its filings, its downloads, its unreadable files."""
    report = run_view(dataclasses.replace(result, lang=lang, errors=batch.errors))  # with the copies' errors
    report["w"] = words(lang)
    return render("batch.html.j2", lang, batch=batch, report=report, filings=report["filings"],
                  counts=report["counts"])
