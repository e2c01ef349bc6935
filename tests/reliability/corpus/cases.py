"""The bad input corpus: every way a delivery or a policy goes wrong that we know of, with the
exit code `sluice build` must give and a fragment of its message. Exit 2: the file or policy
cannot be read (fix it); exit 3: it was read, and the build refuses to publish from it
(audited). Controls (exit 0) are valid files near the bad ones, which must still publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.reliability.corpus import files as f

MISSING, FOLDER = "missing", "folder"
"""Stand-ins for the source: no file at all, or a folder where the file should be."""

Content = bytes | Callable[[], bytes] | str


@dataclass(frozen=True)
class Case:
    """One bad input: the raw file (`None`: the good one), the policy text (`None`: the
    corpus policy), the exit code and a fragment of the message expected."""

    name: str
    expect: int
    fragment: str
    raw: Content | None = None
    policy: str | None = None
    short: bool = False
    """Run through the real CLI in the short run too (`make test`)."""

    def raw_bytes(self) -> bytes:
        """The raw file's content, made now if it is large."""
        raw = self.raw() if callable(self.raw) else self.raw
        assert isinstance(raw, bytes), self.name
        return raw


MIXED, MIXED_LINE = f.utf8_then_gbk()

DATA = [
    Case("unbalanced_quote", 3, "a double quote is left open on line 8", f.unbalanced_quote(),
         short=True),
    Case("unbalanced_quote_crlf", 3, "a double quote is left open on line 20",
         f.unbalanced_quote(20, end="\r\n")),
    Case("unbalanced_quote_last_rows", 3, "left open on line 295", f.unbalanced_quote(295)),
    Case("header_only", 3, "visits.csv holds no rows (a header alone)", f.csv([])),
    Case("header_only_no_newline", 3, "holds no rows", f.HEADER.encode()),
    Case("header_only_bom", 3, "holds no rows", b"\xef\xbb\xbf" + f.csv([])),
    Case("blank_lines_only", 3, "none of the 3 rows read passed", f.csv(["", "", ""])),
    Case("every_row_invalid", 3, "none of the 300 rows read passed", f.bad_ages(1.0)),
    Case("rejected_share", 3, "5% of rows rejected (15 of 300;", f.bad_ages(0.05)),
    Case("rejected_share_limit_zero", 3, "above resource.max_rejected_share 0%",
         f.bad_ages(0.01), f.resource_key("max_rejected_share: 0")),
    Case("missing_fields", 3, "above resource.max_rejected_share 1%",
         f.csv([line.rsplit(",", 1)[0] for line in f.rows()[:30]] + f.rows()[30:])),
    Case("row_drop", 3, "fewer than the 300 of its previous ingest, above resource.max_row_drop",
         f.csv(f.rows(100))),
    Case("row_drop_limit", 3, "above resource.max_row_drop 10%", f.csv(f.rows(250)),
         f.resource_key("max_row_drop: 0.1")),
    Case("nul_byte", 2, "line 150 holds a NUL byte", f.with_line(150, "P1\0,40,1.5")),
    Case("nul_byte_late", 2, "line 80000 holds a NUL byte",
         lambda: f.csv([*f.rows(80_000)[:79_998], "P\0,40,1.5"])),
    Case("binary_file", 2, "holds a NUL byte", f.binary()),
    Case("utf16", 2, "the file is UTF-16; re-export it as UTF-8 or GBK", f.utf16()),
    Case("huge_value", 2, "line 5 is 2.0 MB long, above the 1 MB a row may take", f.huge_value),
    Case("huge_value_last_line", 2, "line 302 is 1.5 MB long",
         lambda: f.GOOD + b"P" + b"y" * (3 << 19)),
    Case("huge_multiline_value", 2, "line 5 starts a value of 9.0 MB in column 'patient_id'",
         f.huge_multiline_value),
    Case("gbk_then_utf8", 2, "line 2 is not valid UTF-8 and line 150 is not valid GBK",
         f.gbk_then_utf8()),
    Case("gbk_then_utf8_valid_gbk", 2, "line 150 is UTF-8 while the lines before it are GBK",
         f.gbk_then_utf8(name="张伟")),
    Case("utf8_then_gbk", 2, f"line {MIXED_LINE} is not valid utf-8 while the lines before",
         MIXED),
    Case("declared_utf8_is_gbk", 2, "line 2 is not valid utf-8", f.gbk(),
         f.resource_key("encoding: utf-8")),
    Case("wrong_delimiter", 2, "columns declared in the policy but not in the file",
         f.GOOD.replace(b",", b";")),
    Case("missing_column", 2, "declared in the policy but not in the file: cost",
         f.csv([line.rsplit(",", 1)[0] for line in f.rows()], header="patient_id,age")),
    Case("extra_column", 2, "in the file but not declared in the policy: note",
         f.csv([f"{line},x" for line in f.rows()], header=f"{f.HEADER},note")),
    Case("duplicate_header", 2, "line 1 names column(s) twice: age",
         f.csv([f"{line},41" for line in f.rows()], header=f"{f.HEADER},age")),
    Case("blank_header", 2, "line 1 is empty", b"\n" + f.GOOD),
    Case("empty_file", 2, "the file is empty", b""),
    Case("missing_source", 2, "not found", MISSING, short=True),
    Case("source_is_folder", 2, "policy.yaml:6: resource.source", FOLDER),
    Case("csv_declared_parquet", 2, "not a readable Parquet file", f.GOOD,
         f.policy_with("format: csv", "format: parquet")),
]  # fmt: skip

INVALID = "Input should be"
POLICIES = [
    Case("yaml_syntax", 2, "policy.yaml:5: not valid YAML", None,
         f.POLICY.replace("  title: 门诊记录", "  title: [门诊"), short=True),
    Case("yaml_tab_indent", 2, "policy.yaml:4: not valid YAML", None,
         f.POLICY.replace("  title:", "\ttitle:")),
    Case("yaml_empty", 2, "policy.yaml:1: a policy is a YAML mapping", None, ""),
    Case("yaml_list", 2, "policy.yaml:1: a policy is a YAML mapping", None, "- sluice: 1\n"),
    Case("unknown_top_key", 2, "unknown key 'colums' (did you mean 'columns'?)", None,
         f.POLICY.replace("columns:", "colums:")),
    Case("unknown_resource_key", 2, "policy.yaml:9: resource: unknown key 'max_reject_share'",
         None, f.resource_key("max_reject_share: 0.05")),
    Case("share_wrong_type", 2, f"resource.max_rejected_share: {INVALID} a valid number", None,
         f.resource_key("max_rejected_share: lots")),
    Case("share_above_one", 2, f"resource.max_rejected_share: {INVALID} less than or equal to 1",
         None, f.resource_key("max_rejected_share: 2")),
    Case("drop_negative", 2, f"resource.max_row_drop: {INVALID} greater than or equal to 0",
         None, f.resource_key("max_row_drop: -0.1")),
    Case("unknown_encoding", 2, f"resource.encoding: {INVALID} 'auto'", None,
         f.resource_key("encoding: latin-1")),
    Case("unknown_format", 2, f"resource.format: {INVALID} 'csv' or 'parquet'", None,
         f.policy_with("format: csv", "format: xlsx")),
    Case("unknown_operator", 2, "unknown operator 'pseudonymise'", None,
         f.policy_with("operator: pseudonymize", "operator: pseudonymise"), short=True),
    Case("unknown_column_type", 2, f"columns.age.type: {INVALID} 'string'", None,
         f.policy_with("type: integer", "type: int32")),
    Case("missing_resource_id", 2, "resource: missing required key 'id'", None,
         f.policy_with("  id: visits\n", "")),
    Case("dimension_not_a_column", 2, "dimension 'agee' is not a declared column", None,
         f.policy_with("dimensions: [age]", "dimensions: [agee]")),
    Case("group_size_wrong_type", 2, f"min_group_size: {INVALID} a valid integer", None,
         f.policy_with("min_group_size: 3", "min_group_size: three")),
]  # fmt: skip

CONTROLS = [
    Case("quoted_newlines", 0, "visits_by_age", f.quoted_newlines()),
    Case("crlf", 0, "visits_by_age", f.GOOD.replace(b"\n", b"\r\n")),
    Case("bom", 0, "visits_by_age", b"\xef\xbb\xbf" + f.GOOD),
    Case("gbk", 0, "visits_by_age", f.gbk()),
    Case("rejected_share_raised", 0, "visits_by_age", f.bad_ages(0.05),
         f.resource_key("max_rejected_share: 0.1")),
    Case("no_trailing_newline", 0, "visits_by_age", f.GOOD.rstrip(b"\n")),
]  # fmt: skip

CASES = DATA + POLICIES
"""Every bad input: each must exit non-zero, with no traceback and nothing new published."""
