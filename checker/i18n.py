"""Chinese for the messages jxcheck writes in English at their source (read errors, reader warnings, run
notes), applied where a person reads them (console, HTML, Markdown, standard error) when the language is zh.

The English text stays the canonical form (JSON, SARIF, logs); a message without a translation here is shown
as it is, so a new message is never lost, only untranslated.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    # reading a file
    (r"^file not found$", "文件不存在"),
    (r"^is a directory, not a file$", "是目录，不是文件"),
    (r"^cannot read: (.+)$", r"无法读取：\1"),
    (r"^empty file$", "空文件"),
    (r"^file is more than (.+) MB; the limit is (.+) MB \(JXCHECK_MAX_FILE_MB\)$", r"文件大小超过\1 MB，超过上限\2 MB（JXCHECK_MAX_FILE_MB）"),
    (r"^file is (.+) MB; the limit is (.+) MB \(JXCHECK_MAX_FILE_MB\)$", r"文件大小\1 MB，超过上限\2 MB（JXCHECK_MAX_FILE_MB）"),
    (r"^nothing more arrived from this pipe or device in (.+) s; save the filing to a file and check that$",
     r"管道或设备在\1秒内没有更多数据：请把填报内容存为文件后再检查"),
    (r"^(.+) filings in one file; the limit is (.+) \(JXCHECK_MAX_FILINGS\) — split the file$",
     r"一个文件含\1份填报，超过上限\2（JXCHECK_MAX_FILINGS），请拆分文件"),
    (r"^sheet (.+) has (.+) filled cells; the limit is (.+) \(JXCHECK_MAX_CELLS\)$",
     r"工作表\1有\2个非空单元格，超过上限\3（JXCHECK_MAX_CELLS）"),
    (r"^more than (.+) paragraphs and table rows \(limit: JXCHECK_MAX_BLOCKS\)$",
     r"段落和表格行超过\1个（上限：JXCHECK_MAX_BLOCKS）"),
    (r"^more than (.+) table cells \(limit: 4 × JXCHECK_MAX_CELLS\)$", r"表格单元格超过\1个（上限：4 × JXCHECK_MAX_CELLS）"),
    (r"^a table row has (.+) cells; the limit is (.+)$", r"表格一行有\1个单元格，超过上限\2"),
    (r"^more than (.+) XML elements \(limit: JXCHECK_MAX_MEMORY_MB ÷ 256 bytes\)$",
     r"文件内部 XML 元素超过\1个，超出单个文件的内存预算（JXCHECK_MAX_MEMORY_MB ÷ 256 字节）"),
    (r"^the worker checking this file crashed \((.+)\)$", r"检查此文件的工作进程崩溃（\1）"),
    (r"^the worker checking this file exited unexpectedly \(exit code (.+)\)$", r"检查此文件的工作进程意外退出（退出码\1）"),
    (r"^checking this file took more than its memory budget of (.+) MB \(JXCHECK_MAX_MEMORY_MB\)$",
     r"检查此文件所需内存超过单个文件的上限\1 MB（JXCHECK_MAX_MEMORY_MB）"),
    (r"^the cluster lost the worker checking this file \((.+)\)$", r"Dask 集群中检查此文件的工作进程丢失（\1）"),
    (r"^not checked: the Dask cluster has had no workers for (.+) s$", r"未检查：Dask 集群已有\1秒没有工作进程"),
    (r"^not checked: the Dask scheduler cannot be reached \((.+)\)$", r"未检查：无法连接 Dask 调度器（\1）"),
    (r"^timed out after (.+) s$", r"检查超时（超过\1秒）"),
    (r"^folder cannot be listed: (.+)$", r"无法列出此文件夹中的文件：\1"),
    (r"^too many checks waiting \((\d+)\); try again in a few minutes$", r"排队等待检查的批次过多（\1个），请几分钟后再试"),
    # the service's units and accounts
    (r"^a unit with this code exists$", "该编码的单位已存在"),
    (r"^no unit with this code$", "没有该编码的单位"),
    (r"^an account with this user name exists$", "该用户名的账号已存在"),
    (r"^no account with this user name$", "没有该用户名的账号"),
    (r"^at least (\d+) characters$", r"密码至少\1个字符"),
    (r"^a unit's account names its unit \(--unit CODE\)$", "单位账号须指定所属单位（--unit 单位编码）"),
    (r"^the two passwords differ$", "两次输入的密码不一致"),
    (r"^no header row with 单位编码 and 单位名称$", "找不到含“单位编码”和“单位名称”的表头行"),
    (r"^role must be one of (.+)$", r"角色须为 \1 之一"),
    (r"^a unit needs a code and a name$", "单位须有编码和名称"),
    (r"^an account needs a user name$", "账号须有用户名"),
    (r"^restore into a new, empty directory$", "请恢复到新的空目录（不会覆盖已有数据）"),
    (r"^not a jxcheck service backup$", "不是 jxcheck 自查服务的备份"),
    (r"^no service database here \((.+)\)$", r"此目录中没有自查服务的数据库（\1）"),
    (r"^cannot restore: (.+)$", r"无法恢复：\1"),
    (r"^durable-rules, the rule engine, cannot be loaded \((.+)\): reinstall it with .*$",
     r"规则引擎 durable-rules 无法加载（\1）：请按 README 的安装命令（带 CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject）"
     r"重新安装；没有 C 编译器的电脑（Windows、办公电脑）请使用财政局提供的自查服务或容器（Dockerfile）"),
    (r"^Word 97-2003 \.doc is not supported: .*$", "不支持 Word 97-2003 .doc 格式：请用 WPS 或 Word 打开，另存为 .docx"),
    (r"^Excel 97-2003 \.xls is not supported: .*$", "不支持 Excel 97-2003 .xls 格式：请用 WPS 或 Excel 打开，另存为 .xlsx"),
    (r"^WPS \.wps is not supported: .*$", "不支持 WPS 文字 .wps 格式：请用 WPS 打开，另存为 .docx"),
    (r"^WPS \.et is not supported: .*$", "不支持 WPS 表格 .et 格式：请用 WPS 打开，另存为 .xlsx"),
    (r"^\.(rtf|odt) is not supported: .*$", r"不支持 .\1 格式：请用 WPS 或 Word 打开，另存为 .docx"),
    (r"^\.(ods|csv) is not supported: .*$", r"不支持 .\1 格式：请用 WPS 或 Excel 打开，另存为 .xlsx"),
    (r"^OFD is not supported: .*$", "不支持 OFD 版式文件：请使用生成它的 .docx/.xlsx 原文件"),
    (r"^this run's settings, waivers, baseline, rules or output$", "本次运行的设置、豁免、基线、规则或输出文件"),
    (r"^an annotated copy jxcheck wrote \(…(.+)\)$", r"jxcheck 写出的批注副本（…\1）"),
    (r"^legacy Office \(OLE\) file is not supported.*$", "不支持旧版 Office 文件：请另存为 .docx 或 .xlsx"),
    (r"^PDF is not supported: .*$", "不支持 PDF：请使用生成它的 .docx/.xlsx 原文件"),
    (r"^unknown format '(.+)': expected one of (.+)$", r"无法识别的格式“\1”，可读取：\2"),
    (r"^not a readable (.+?) \(truncated or corrupt.*$", r"无法读取的\1文件（不完整或已损坏）"),
    (r"^not a readable \.xlsx: .*$", "无法读取的 .xlsx 文件（内部 XML 损坏）"),
    (r"^the (document part|workbook) unzips to (.+) MB; the limit is (.+) MB \(JXCHECK_MAX_FILE_MB × (.+)\)$",
     r"文件解压后为\2 MB，超过上限\3 MB（JXCHECK_MAX_FILE_MB × \4）"),
    (r"^ZIP archive that is neither a \.docx nor an \.xlsx$", "ZIP 压缩包既不是 .docx 也不是 .xlsx"),
    (r"^binary data, not a text export.*$", "二进制数据，不是导出的文本"),
    (r"^text is neither UTF-8 nor GB18030/GBK.*$", "文本既不是 UTF-8 也不是 GB18030/GBK 编码"),
    (r"^invalid (UTF-8|UTF-16) text$", r"\1 编码无效"),
    (r"^no filing found: not the canonical form of a filing — no evaluations(?: \(it holds (.*)\))?$",
     "不是填报文件：不是填报的 YAML/JSON 规范形式（没有 evaluations）"),
    (r"^no filing found: nothing of a self-evaluation in it .*$",
     "不是填报文件：文中没有“绩效”“自评”“预算”“资金”“指标”等字样"),
    (r"^no filing found: .*$", "未找到填报内容：文件中既没有自评报告也没有自评表"),
    (r"^no filing jxcheck can read in this directory \((.+)\); supported: (.+?) — .*$",
     r"目录中没有可读取的填报（\1）；可读取：\2。.doc/.xls 请用 WPS 或 Word/Excel 打开，另存为 .docx/.xlsx"),
    (r"^internal error while reading: (.+)$", r"读取时内部错误：\1"),
    (r"^could not be checked: (.+)$", r"无法检查：\1"),
    (r"^could not be checked in the cross-filing stage: (.+)$", r"跨项目比对时无法检查：\1"),
    (r"^nested too deeply to read$", "嵌套过深，无法读取"),
    # writing
    (r"^is a symbolic link; .*$", "是符号链接：请写到目标文件，或加 --follow-symlinks"),
    (r"^is (a directory|a device or special file), not a regular file; .*$", r"不是普通文件，不能写入（\1）"),
    (r"^cannot write: directory (.+) does not exist$", r"无法写入：目录\1不存在"),
    (r"^cannot write: (.+)$", r"无法写入：\1"),
    (r"^an Excel workbook needs --output FILE$", "Excel 工作簿须用 --output 指定文件"),
    (r"^already exists; give --force to replace it$", "已存在：如需替换请加 --force"),
    # the self-check page's refusals
    (r"^the upload is larger than (.+) in all$", r"上传的文件合计超过 \1"),
    (r"^(.+): larger than the limit of (.+)$", r"\1：超过单个文件上限 \2"),
    (r"^more than (\d+) files in one upload$", r"一次上传超过 \1 个文件"),
    (r"^file name (.+)… is too long: (\d+) bytes; at most (\d+)$", r"文件名 \1… 过长：\2字节，最多\3字节"),
    (r"^file name (.+) is not a plain file name \(no folders, no '\.\.'\)$", r"文件名 \1 不是单纯的文件名（不能含文件夹或“..”）"),
    (r"^send the files as multipart/form-data$", "请以 multipart/form-data 方式上传文件"),
    (r"^no file in the upload \(field 'files'\)$", "上传中没有文件"),
    (r"^the upload is not well-formed multipart data \((.+)\)$", r"上传数据格式不正确（\1）"),
    (r"^the upload ended in the middle of a file$", "上传在文件中途中断"),
    (r"^cannot listen on (.+): (.+)$", r"无法在 \1 上提供服务：\2（端口可能已被占用，请换 --port）"),
    (r"^serving beyond this machine \((.+)\) needs a token: --token or \$(\w+)$",
     r"对本机以外（\1）提供服务须设置令牌：--token 或环境变量 \2"),
    (r"^would replace the original; choose another --output directory$", "会覆盖原文件：请换一个 --output 目录"),
    (r"^is not a directory; --output names the directory for the annotated copies$",
     "不是目录：--output 应为存放批注副本的目录"),
    (r"^could not open the (workbook|document) to annotate it: (.+)$", r"无法打开文件以写入批注：\2"),
    (r"^the file changed after it was checked; check it again to annotate it$", "文件在检查之后被改动过，请重新检查后再写批注"),
    (r"^annotated copy not written: (.+)$", r"批注副本未写入：\1"),
    (r"^the document's own comments could not be extended and are not in this copy \(the original keeps them\)$",
     "文档原有的批注无法续写，副本中未保留（原文件中仍在）"),
    (r"^pictures and charts of the original are not kept in the annotated copy \(openpyxl\)$",
     "原表中的图片和图表未保留在批注副本中"),
    # reader warnings
    (r"^sheet (.+): (\d+) formula cell\(s\) had no saved result and were computed from their formulas \((.+)\)$",
     r"工作表\1：\2个公式单元格没有保存计算结果，已按公式计算（\3）"),
    (r"^sheet (.+): (\d+) formula cell\(s\) have no saved result \((.+)\) and read as empty — .*$",
     r"工作表\1：\2个公式单元格没有保存计算结果（\3），按空值读取——请用 Excel 或 WPS 打开并保存后再检查"),
    (r"^missing 项目名称$", "未读到项目名称"),
    (r"^could not tell which project the report is about .*$", "未能从标题或“项目名称”读出报告评价的是哪个项目"),
    (r"^unrecognised heading '(.+)'; its text is kept under 其他需要说明问题$",
     r"未识别的标题：“\1”，其下文字归入“其他需要说明问题”"),
    (r"^missing year \(no …年度…自评 title\)$", "未读到年度（没有“…年度…自评”标题）"),
    (r"^missing 自评表 \(the scored table\)$", "未读到自评表"),
    (r"^missing 自评报告 \(the narrative report\)$", "未读到自评报告"),
    (r"^missing 项目资金 rows$", "未读到项目资金"),
    (r"^missing 年度总体目标$", "未读到年度总体目标"),
    (r"^missing 绩效指标 rows$", "未读到绩效指标"),
    (r"^missing 总分 row$", "未读到总分"),
    (r"^missing 自评报告 section (.+)$", r"自评报告中未读到“\1”"),
    (r"^(.+): indicator header cell '(.+)' is not in the vocabulary; read as (.+) from its position and contents$",
     r"\1：绩效指标表头“\2”不在词表中，按位置和内容读作“\3”"),
    (r"^(.+): funding header cell '(.+)' is not in the vocabulary; read as (.+) from its position$",
     r"\1：项目资金表头“\2”不在词表中，按位置读作“\3”"),
    (r"^(.+): the indicator header lacks (.+); read without it$", r"\1：绩效指标表头缺少“\2”，按缺少此列读取"),
    (r"^(.+): (.+) is a figure beyond any plausible amount; read as no figure$", r"\1：\2 超出任何合理数额，不作为数字读取"),
    (r"^(.+) is a figure beyond any plausible amount; read as no figure$", r"\1 超出任何合理数额，不作为数字读取"),
    (r"^(.+): the funding header has no (.+) column$", r"\1：项目资金表头缺少“\2”列"),
    (r"^(.+): funding row '(.+)' is not a known source; kept apart.*$", r"\1：资金来源“\2”未能识别，单列，不计入合计核对"),
    (r"^(.+): two-row header: (.+)$", r"\1：两行表头未能完全对齐（\2）"),
    (r"^report names project '(.+)', table names '(.+)'$", r"自评报告的项目名称为“\1”，自评表为“\2”"),
    # run notes
    (r"^result cache off: (.+)$", r"结果缓存已关闭：\1"),
    (r"^cache not written \((.+)\); files are still checked$", r"缓存未能写入（\1），文件照常检查"),
    (r"^(\d+) cache entr(?:y|ies) failed the integrity check and were checked again$",
     r"\1个缓存条目未通过完整性校验，已重新检查"),
    (r"^(.+) \((.+)\) could belong to more than one report — (.+); not joined$",
     r"\1（\2）可能对应不止一份自评报告：\3；未合并，请核对项目名称"),
    (r"^(.+) \((.+)\) could belong to more than one table — (.+); not joined$",
     r"\1（\2）可能对应不止一份自评表：\3；未合并，请核对项目名称"),
    (r"^(.+) and (.+) not joined: (.+)$", r"\1与\2未能合并：\3"),
    # rule packs (their writers read these)
    (r"^invalid YAML: duplicate key '(.+)' \(first on line (\d+)\)$", r"YAML 格式错误：键“\1”重复（第一次在第\2行）"),
    (r"^invalid YAML: (.+)$", r"YAML 格式错误：\1"),
    (r"^a rule file holds a mapping with a `rules:` list$", "规则文件应是含 `rules:` 列表的映射"),
    (r"^unknown top-level key\(s\): (.+)$", r"未知的顶层键：\1"),
    (r"^each rule must be a mapping$", "每条规则应是一个映射"),
    (r"^rule directory not found$", "规则目录不存在"),
    (r"^duplicate rule id (\w+) \(first defined in (.+)\)$", r"规则编号\1重复（首次定义于 \2）"),
    (r"^condition names unknown field '(.+)' of fact kind '(.+)'$", r"条件中的“\1”不是事实类型“\2”的字段"),
    (r"^unknown operator '(.+)' on (\S+); use one of (.+)$", r"“\2”上的运算符“\1”未知，可用：\3"),
    (r"^`(\w+)` compares numbers; (\S+) is a string field$", r"“\1”只比较数字，\2 是文字字段"),
    (r"^(\S+) is a (\w+) field; (.+) can never match$", r"\1 是 \2 类型字段，\3 永远不会匹配"),
    (r"^unknown parameter (\S+) in the condition on (\S+)$", r"“\2”的条件用了未定义的参数 \1"),
    (r"^unknown fact kind '(.+)'; known: (.+)$", r"未知的事实类型“\1”，可用：\2"),
    (r"^message\.(zh|en) uses unknown placeholder \{(.+)\}$", r"message.\1 用了未知的占位符 {\2}"),
    (r"^evidence\.(\w+) names unknown field '(.+)'$", r"evidence.\1 指向未知字段“\2”"),
    (r"^at: '(.+)' is no cell of the fact; known: (.+)$", r"at: “\1”不是该事实的单元格，可用：\2"),
    (r"^parameter (\S+): (.+) needs exponent notation.*$",
     r"参数 \1：\2 须用科学计数法，durable-rules 无法解析；请用 0 或不小于 0.0001 的值"),
    (r"^id: Value error, rule id must be .*$", "id：规则编号应为2至6个大写字母加3位数字，如 BUD001"),
    (r"^requires: Value error, unknown input '(.+)'; known: (.+)$", r"requires：未知的运行条件“\1”，可用：\2"),
    # places named by errors (the part in parentheses after a file)
    (r"^line (\d+), rule (\w+)$", r"第\1行，规则\2"),
    (r"^line (\d+), column (\d+)$", r"第\1行第\2列"),
    (r"^line (\d+)$", r"第\1行"),
    (r"^document (\d+)$", r"第\1个文档"),
    (r"^filing (.+)$", r"项目“\1”"),
    # the command line
    (r"^unrecognized arguments: ([^;]+)$", r"无法识别的参数：\1"),
    (r"^argument (.+?): invalid choice: '(.+?)' \(choose from (.+)\)$", r"参数 \1 的值“\2”无效，可选：\3"),
    (r"^argument (.+?): invalid (\w+) value: '(.+?)'$", r"参数 \1 的值“\3”无效"),
    (r"^argument (.+?): expected one argument$", r"参数 \1 需要一个值"),
    (r"^the following arguments are required: (.+)$", r"缺少参数：\1"),
    # settings and rule selection
    (r"^both profile = '(.+?)' and \[weights\] are set: keep the one that should apply$", r"同时设置了 profile = “\1” 和 [weights]：请只保留要采用的一个"),
    (r"^unknown profile '(.+)'; use one of (.+) or \[weights\]$", r"未知的评分方案“\1”：可选 \2，或用 [weights] 自定义"),
    (r"^unknown profile '(.+)'; use one of (.+)$", r"未知的评分方案“\1”：可选 \2"),
    (r"^(\w+) = '(.+)': (.+) does not exist$", r"\1 = “\2”：\3 不存在"),
    (r"^(.+): Extra inputs are not permitted$", r"\1：不认识的设置项"),
    (r"^(.+): Field required$", r"\1：缺少必填项"),
    (r"^(.+): Input should be a valid (\w+).*$", r"\1：值的类型不对（应为 \2）"),
    (r"^(.+): Input should be (.+)$", r"\1：值应为 \2"),
    (r"^unknown rule id or category '(.+)'$", r"未知的规则编号或类别“\1”"),
    (r"^did you mean (.+)\?$", r"是否想用 \1？"),
    (r"^parameters: unknown rule id or category '(.+)'$", r"parameters 中未知的规则编号“\1”"),
    (r"^parameters\.(.+): rule (.+) has no parameter '(.+)'$", r"parameters.\1：规则\2没有参数“\3”"),
    (r"^interrupted$", "已中断"),
    (r"^terminated$", "已终止"),
]]


# a place as `Location.describe("en")` writes it, inside a reader's message
_PLACE = re.compile(r"(?:sheet (?P<sheet>\S+?), )?(?:cell (?P<cell>[A-Z]+\d+)|table (?P<table>\d+)(?:, row (?P<row>\d+))?"
                    r"(?:, column (?P<col>\d+))?)(?:, paragraph (?P<para>\d+))?(?:, line (?P<line>\d+))?")


def _place_zh(m: re.Match[str]) -> str:
    g = m.groupdict()
    parts = [f"工作表“{g['sheet']}”"] if g["sheet"] else []
    if g["cell"]:
        parts.append(f"单元格{g['cell']}")
    else:
        parts.append(f"表{g['table']}" + (f"第{g['row']}行" if g["row"] else "") + (f"第{g['col']}列" if g["col"] else ""))
    parts += [f"第{g['para']}段"] if g["para"] else []
    parts += [f"原文第{g['line']}行"] if g["line"] else []
    return "，".join(parts)


def zh(message: str) -> str:
    """The message in Chinese where a translation is known, else as it is. Several problems reported
    together ("a; b; c") are translated one by one."""
    message = _PLACE.sub(_place_zh, message) if ("table " in message or "cell " in message) else message
    if "; " in message:  # several problems: each its own translation, where each has one
        parts = message.split("; ")
        translated = [_zh_one(p) for p in parts]
        if all(t != p for t, p in zip(translated, parts, strict=True)):
            return "；".join(translated)
    return _zh_one(message)


def _zh_one(message: str) -> str:
    for pattern, repl in _RULES:
        if pattern.search(message):
            return pattern.sub(repl, message, count=1)
    return message


def localise(message: str, lang: str) -> str:
    return zh(message) if lang == "zh" else message


def both(message: str, lang: str) -> str:
    """Chinese first with the English after it (standard error, where scripts may look for the English)."""
    if lang != "zh":
        return message
    chinese = zh(message)
    return chinese if chinese == message else f"{chinese}（{message}）"
