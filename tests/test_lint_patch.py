"""Unified diffs for doc-lint of a change: reading them and applying them."""

import pytest

from kdocgen.lint.patch import PatchError, apply, parse_patch

MAILED = """\
From 1234567890abcdef Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Date: Mon, 1 Dec 2025 10:00:00 +0000
Subject: [PATCH] w: rename the length parameter

--- a/b/c is not a diff in a commit message
It only looks like one.

Signed-off-by: A Developer <dev@example.org>
---
 drivers/w/a.c | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/drivers/w/a.c b/drivers/w/a.c
index e1196f4..d7c96ae 100644
--- a/drivers/w/a.c
+++ b/drivers/w/a.c
@@ -2,6 +2,6 @@
  * f() - F.
  * @a: A.
- * @n: N.
+ * @len: N.
  */
-int f(int a, int n);
+int f(int a, int len);

-- 
2.39.5
"""

GIT = """\
diff --git a/old/name.c b/new/name.c
similarity index 90%
rename from old/name.c
rename to new/name.c
index 1111111..2222222 100644
--- a/old/name.c
+++ b/new/name.c
@@ -1,0 +2 @@ int x;
+int y;
diff --git a/gone.h b/gone.h
deleted file mode 100644
index 3333333..0000000
--- a/gone.h
+++ /dev/null
@@ -1,2 +0,0 @@
-#define A 1
-#define B 2
diff --git a/born.c b/born.c
new file mode 100644
index 0000000..4444444
--- /dev/null
+++ b/born.c
@@ -0,0 +1 @@
+int born;
\\ No newline at end of file
diff --git "a/sp\\303\\251cial \\"q\\".c" "b/sp\\303\\251cial \\"q\\".c"
index 5555555..6666666 100644
--- "a/sp\\303\\251cial \\"q\\".c"
+++ "b/sp\\303\\251cial \\"q\\".c"
@@ -3 +3 @@
-old
+new
diff --git a/img.png b/img.png
index 7777777..8888888 100644
Binary files a/img.png and b/img.png differ
diff --git a/moved.c b/renamed.c
similarity index 100%
rename from moved.c
rename to renamed.c
"""


def test_mailed_patch_skips_mail_text_and_signature():
    patches = parse_patch(MAILED, "mail.patch")
    assert [(p.old_path, p.new_path) for p in patches] == [("drivers/w/a.c", "drivers/w/a.c")]
    (hunk,) = patches[0].hunks
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (2, 6, 2, 6)
    assert patches[0].added_lines() == {4, 6}
    assert patches[0].removal_points() == {3, 5}


def test_git_headers_renames_new_deleted_quoted_binary():
    patches = parse_patch(GIT)
    assert [(p.old_path, p.new_path, p.binary) for p in patches] == [
        ("old/name.c", "new/name.c", False), ("gone.h", None, False), (None, "born.c", False),
        ('spécial "q".c', 'spécial "q".c', False), ("img.png", "img.png", True),
        ("moved.c", "renamed.c", False)]
    renamed, gone, born = patches[:3]
    assert renamed.added_lines() == {2} and renamed.removal_points() == set()
    assert gone.removal_points() == {0} and gone.added_lines() == set()
    assert born.added_lines() == {1}
    assert patches[5].hunks == []


def test_plain_diff_u_with_time_stamps():
    text = ("--- a.c\t2025-01-01 00:00:00.000000000 +0000\n+++ a.c\t2025-01-02 00:00:00.000000000 +0000\n"
            "@@ -1,3 +1,3 @@\n x\n-y\n+Y\n z\n--- b.c\n+++ b.c\n@@ -1 +1 @@\n-1\n+2\n")
    patches = parse_patch(text)
    assert [p.path for p in patches] == ["a.c", "b.c"]
    assert patches[0].added_lines() == {2}


def test_cut_off_and_malformed_hunks_name_the_line():
    with pytest.raises(PatchError, match=r"^p\.diff:3: hunk ends early"):
        parse_patch("--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n-b\n", "p.diff")
    with pytest.raises(PatchError, match=r"^p\.diff:5: line in a hunk"):
        parse_patch("--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n?b\n c\n", "p.diff")
    with pytest.raises(PatchError, match=r"^p\.diff:1: hunk before any file header"):
        parse_patch("@@ -1 +1 @@\n-a\n+b\n", "p.diff")
    with pytest.raises(PatchError, match="no unified diff found"):
        parse_patch("just a mail\n", "p.diff")


def test_apply_forward_reverse_and_with_an_offset():
    (patch,) = parse_patch(MAILED)
    old = "/**\n * f() - F.\n * @a: A.\n * @n: N.\n */\nint f(int a, int n);\n"
    new = old.replace("@n:", "@len:").replace("int n", "int len")
    assert apply(old, patch) == new
    assert apply(new, patch, reverse=True) == old
    shifted = "// one\n// two\n" + old
    assert apply(shifted, patch) == "// one\n// two\n" + new  # found two lines lower
    assert apply(new, patch) is None  # already applied: the old lines are not there
    (insert,) = parse_patch("--- a/x\n+++ b/x\n@@ -2,0 +3,2 @@\n+c\n+d\n")
    assert apply("a\nb\ne\n", insert) == "a\nb\nc\nd\ne\n"
    assert apply("a\nb\nc\nd\ne\n", insert, reverse=True) == "a\nb\ne\n"
