"""kdocgen lint --diff / --diff-from on fixture repositories made with git init."""

import json
import shutil
from pathlib import Path

import pytest

from gitrepo import git, init_repo
from kdocgen.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# A kernel-style file with two findings already (g: no return, h: 'len' undescribed).
BASE = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/types.h>

/**
 * w_send() - Send a buffer.
 * @chan: The channel.
 * @buf: The data.
 *
 * Return: 0 or a negative errno.
 */
int w_send(struct w_chan *chan, const void *buf)
{
	return 0;
}

/**
 * w_reset() - Reset a channel.
 * @chan: The channel.
 */
int w_reset(struct w_chan *chan)
{
	return 0;
}

/**
 * w_fill() - Fill a buffer.
 * @buf: The buffer.
 *
 * Return: the bytes written.
 */
int w_fill(void *buf, size_t len)
{
	return 0;
}
"""


@pytest.fixture
def repo(tmp_path):
    """A git repository with drivers/w/chan.c committed."""
    return init_repo(tmp_path / "linux", {"drivers/w/chan.c": BASE})


def edit(repo: Path, old: str, new: str, path: str = "drivers/w/chan.c") -> None:
    file = repo / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def lint(capsys, *args):
    status = main(["lint", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def findings(capsys, repo, *args):
    status, out, err = lint(capsys, "--srctree", str(repo), "--format", "json", *args)
    data = json.loads(out)
    return status, [(f["rule"], f["line"], f["symbol"], f["message"]) for f in data["findings"]], data, err


def test_an_added_undocumented_parameter_is_the_only_finding(repo, capsys):
    edit(repo, "int w_send(struct w_chan *chan, const void *buf)",
         "int w_send(struct w_chan *chan, const void *buf, u32 flags)")
    status, found, data, err = findings(capsys, repo, "--diff", "HEAD")
    assert status == 1
    assert found == [("param-undescribed", 11, "w_send",
                      "Function parameter or struct member 'flags' not described in 'w_send'")]
    assert (data["introduced"], data["fixed"], data["changed_files"]) == (1, 0, 1)
    assert "1 findings introduced, 0 fixed in 1 changed file" in err
    # the whole file has the two older findings too
    status, out, _ = lint(capsys, "--srctree", str(repo), "drivers/w/chan.c")
    assert out.count("\n") == 3


def test_a_parameter_renamed_in_the_prototype_blames_the_unchanged_comment_line(repo, capsys):
    edit(repo, "int w_send(struct w_chan *chan, const void *buf)", "int w_send(struct w_chan *ch, const void *buf)")
    status, found, data, _ = findings(capsys, repo, "--diff", "HEAD")
    assert status == 1
    assert found == [
        ("param-excess", 6, "w_send", "Excess function parameter 'chan' description in 'w_send'"),
        ("param-undescribed", 11, "w_send", "Function parameter or struct member 'ch' not described in 'w_send'"),
    ]
    assert data["introduced"] == 2


def test_a_fix_is_counted_and_passes(repo, capsys):
    edit(repo, " * @buf: The buffer.\n", " * @buf: The buffer.\n * @len: Its size.\n")
    status, found, data, err = findings(capsys, repo, "--diff", "HEAD")
    assert status == 0 and found == []
    assert (data["introduced"], data["fixed"]) == (0, 1)
    assert "0 findings introduced, 1 fixed" in err


def test_a_moved_function_brings_no_new_finding(repo, capsys):
    text = (repo / "drivers/w/chan.c").read_text()
    head, fill = text.split("/**\n * w_fill()")
    parts = head.split("/**\n")
    moved = parts[0] + "/**\n * w_fill()" + fill.rstrip("\n") + "\n\n" + "/**\n".join([""] + parts[1:]).lstrip("\n")
    (repo / "drivers/w/chan.c").write_text(moved.rstrip("\n") + "\n")
    assert git(repo, "diff", "--stat")  # the file did change
    status, found, data, _ = findings(capsys, repo, "--diff", "HEAD")
    assert (status, found, data["introduced"], data["fixed"]) == (0, [], 0, 0)


def test_existing_findings_in_untouched_and_reworded_code_are_not_reported(repo, capsys):
    edit(repo, " * w_reset() - Reset a channel.", " * w_reset() - Reset a channel to its first state.")
    edit(repo, "\treturn 0;\n}\n\n/**\n * w_fill", "\treturn -1;\n}\n\n/**\n * w_fill")
    status, found, data, _ = findings(capsys, repo, "--diff", "HEAD")
    assert (status, found, data["fixed"]) == (0, [], 0)


def test_a_rewritten_line_keeps_its_old_problem_but_not_a_new_one(repo, capsys):
    edit(repo, "int w_fill(void *buf, size_t len)", "int w_fill(void *buf, unsigned long len)")
    assert findings(capsys, repo, "--diff", "HEAD")[:2] == (0, [])
    edit(repo, "int w_fill(void *buf, unsigned long len)", "int w_fill(void *buf, unsigned long len, int len2)")
    status, found, data, _ = findings(capsys, repo, "--diff", "HEAD")
    assert status == 1 and [f[3] for f in found] == [
        "Function parameter or struct member 'len2' not described in 'w_fill'"]


def test_a_new_file_and_a_renamed_file(repo, capsys):
    git(repo, "mv", "drivers/w/chan.c", "drivers/w/channel.c")
    (repo / "drivers/w/new.h").write_text("/**\n * struct w_msg - A message.\n */\nstruct w_msg {\n\tint id;\n};\n")
    git(repo, "add", "-A")
    status, found, data, _ = findings(capsys, repo, "--diff", "HEAD")
    assert found == [("param-undescribed", 5, "w_msg", "Function parameter or struct member 'id' not described in "
                      "'w_msg'")]
    assert status == 1 and (data["introduced"], data["fixed"], data["changed_files"]) == (1, 0, 2)


def test_commit_ranges_staged_changes_and_paths(repo, capsys):
    edit(repo, "int w_reset(struct w_chan *chan)", "int w_reset(struct w_chan *chan, int hard)")
    git(repo, "commit", "-q", "-am", "w: hard reset")
    status, found, _, _ = findings(capsys, repo, "--diff", "HEAD~1..HEAD")
    assert status == 1 and [f[3] for f in found] == [
        "Function parameter or struct member 'hard' not described in 'w_reset'"]
    assert findings(capsys, repo, "--diff", "HEAD~1...HEAD")[1] == found
    assert findings(capsys, repo, "--diff", "HEAD")[1] == []  # the working tree is HEAD
    # staged: only what is in the index counts
    edit(repo, "int w_fill(void *buf, size_t len)", "int w_fill(void *buf, size_t len, int zero)")
    git(repo, "add", "drivers/w/chan.c")
    edit(repo, "const void *buf)", "const void *buf, int unstaged)")
    _, staged, _, _ = findings(capsys, repo, "--diff", "HEAD", "--staged")
    assert [f[3] for f in staged] == ["Function parameter or struct member 'zero' not described in 'w_fill'"]
    _, both, _, _ = findings(capsys, repo, "--diff", "HEAD")
    assert len(both) == 2
    # PATHs limit the change to those files or folders
    assert findings(capsys, repo, "--diff", "HEAD", "drivers/other")[1] == []
    assert len(findings(capsys, repo, "--diff", "HEAD", "drivers/w")[1]) == 2


def test_a_repository_without_commits(tmp_path, capsys):
    root = init_repo(tmp_path / "fresh", {"lib/x.c": "/**\n * x() - X.\n */\nvoid x(int a);\n"}, commit=False)
    status, found, _, _ = findings(capsys, root, "--diff", "HEAD", "--staged")
    assert status == 1 and [f[0] for f in found] == ["param-undescribed"]


def test_a_mailed_patch_on_a_plain_directory(repo, capsys, tmp_path):
    edit(repo, "int w_send(struct w_chan *chan, const void *buf)",
         "int w_send(struct w_chan *chan, const void *buf, u32 flags)")
    git(repo, "commit", "-q", "-am", "w: send flags")
    mail = tmp_path / "0001-w-send-flags.patch"
    mail.write_text(git(repo, "format-patch", "-1", "--stdout"))
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    git(repo, "checkout", "-q", "HEAD~1", "--", ".")
    shutil.copy(repo / "drivers/w/chan.c", plain / "drivers/w/chan.c")  # the tree before the patch
    expected = [("param-undescribed", 11, "w_send",
                 "Function parameter or struct member 'flags' not described in 'w_send'")]
    status, found, _, _ = findings(capsys, plain, "--diff-from", str(mail))
    assert status == 1 and found == expected
    (plain / "drivers/w/chan.c").write_text(BASE.replace("const void *buf)", "const void *buf, u32 flags)"))
    status, found, _, _ = findings(capsys, plain, "--diff-from", str(mail))  # already applied
    assert status == 1 and found == expected


def test_bad_input_is_a_clear_error(repo, capsys, tmp_path):
    status, _, err = lint(capsys, "--srctree", str(repo), "--diff", "no-such-rev")
    assert status == 2 and "no-such-rev: not a commit" in err
    plain = tmp_path / "plain"
    plain.mkdir()
    status, _, err = lint(capsys, "--srctree", str(plain), "--diff", "HEAD")
    assert status == 2 and "not in a git work tree" in err
    patch = tmp_path / "p.diff"
    patch.write_text("--- a/drivers/w/chan.c\n+++ b/drivers/w/chan.c\n@@ -40,2 +40,2 @@\n-nothing\n+like this\n")
    status, _, err = lint(capsys, "--srctree", str(repo), "--diff-from", str(patch))
    assert status == 2 and f"{patch}:3: drivers/w/chan.c: the patch does not apply" in err
    patch.write_text("--- a/../../etc/x.c\n+++ b/../../etc/x.c\n@@ -1 +1 @@\n-a\n+b\n")
    status, _, err = lint(capsys, "--srctree", str(repo), "--diff-from", str(patch))
    assert status == 2 and "outside the tree" in err
    status, _, err = lint(capsys, "--srctree", str(repo), "--diff", "HEAD", "--diff-from", str(patch))
    assert status == 2 and "not both" in err
    status, _, err = lint(capsys, "--srctree", str(repo), "--staged", "drivers")
    assert status == 2 and "--staged goes with --diff" in err
    status, _, err = lint(capsys, "--srctree", str(repo), "--diff-from", str(tmp_path / "none.diff"))
    assert status == 2 and "none.diff: cannot read" in err


def test_formats_annotate_the_new_lines(repo, capsys):
    edit(repo, "int w_send(struct w_chan *chan, const void *buf)",
         "int w_send(struct w_chan *chan, const void *buf, u32 flags)")
    _, out, _ = lint(capsys, "--srctree", str(repo), "--diff", "HEAD", "--format", "github")
    assert out == ("::warning file=drivers/w/chan.c,line=11,col=54,title=param-undescribed::Function parameter "
                   "or struct member 'flags' not described in 'w_send'\n")
    _, out, _ = lint(capsys, "--srctree", str(repo), "--diff", "HEAD", "--format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    status, out, _ = lint(capsys, "--srctree", str(repo), "--diff", "HEAD", "--fail-on", "error")
    assert status == 0 and "[param-undescribed]" in out


@pytest.mark.kernel
def test_renaming_a_parameter_of_vmbus_sendpacket(kernel_tree_path, tmp_path, capsys):
    """The real drivers/hv/channel.c (31 older findings): the rename of
    vmbus_sendpacket's bufferlen in the prototype and body brings exactly two."""
    text = (Path(kernel_tree_path) / "drivers/hv/channel.c").read_text()
    repo = init_repo(tmp_path / "linux", {"drivers/hv/channel.c": text})
    start = text.index("int vmbus_sendpacket(struct vmbus_channel *channel")
    end = text.index("\n}\n", start)
    (repo / "drivers/hv/channel.c").write_text(text[:start] + text[start:end].replace("bufferlen", "buflen")
                                               + text[end:])
    status, found, data, _ = findings(capsys, repo, "--diff", "HEAD")
    assert status == 1 and (data["introduced"], data["fixed"]) == (2, 0)
    assert [(f[0], f[3]) for f in found] == [
        ("param-excess", "Excess function parameter 'bufferlen' description in 'vmbus_sendpacket'"),
        ("param-undescribed", "Function parameter or struct member 'buflen' not described in 'vmbus_sendpacket'")]
    status, out, _ = lint(capsys, "--srctree", str(repo), "drivers/hv/channel.c")
    assert out.count("\n") > 20 and "'buflen'" in out
