"""jxcheck: rule-engine audit checker for 项目支出绩效自评 filings."""

__version__ = "0.1.0"
