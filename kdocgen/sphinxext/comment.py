"""Comment text in a Sphinx build: the ``kdocgen-comment`` directive
(:class:`kdocgen.render.markup.CommentText`) reporting through Sphinx.

Its warnings name the comment's file and line and can be silenced by
subtype: ``suppress_warnings = ["kdocgen.comment-rst"]`` hides reST errors
(the comment is still shown, as a literal block); ``kdocgen.comment`` is
markup that comment text may not use (shown as text) and comments that
could not be rendered.
"""

from __future__ import annotations

from sphinx.util import logging

from ..render.markup import DIRECTIVE, CommentText, TextProblem

logger = logging.getLogger(__name__)
_SUBTYPE = {"refused": "comment", "rst-error": "comment-rst", "failure": "comment"}


class SphinxCommentText(CommentText):
    """The comment-text directive, warning through Sphinx's logger."""

    def report(self, problem: TextProblem) -> None:
        logger.warning(problem.message, location=f"{problem.path}:{problem.line}",
                       type="kdocgen", subtype=_SUBTYPE[problem.kind])


def setup_comment(app) -> None:
    """Register the comment-text directive."""
    app.add_directive(DIRECTIVE, SphinxCommentText)
