"""Which TeX a comment may hand to the math renderer: an allow-list.

Math from a ``:math:`` role or a ``.. math::`` directive reaches LaTeX (Sphinx's
imgmath, which the kernel's ``conf.py`` loads when ``latex`` is installed) or
MathJax in the reader's browser.  Both run macros: ``\\input`` reads files,
``\\write18`` runs programs, ``\\href`` makes links, ``\\catcode``/``\\def``
change what later text means.  So TeX from a comment is accepted only when
every control sequence in it is a formula-typesetting one named here, every
environment is a math one named here, and it holds no ``^^`` (TeX's way of
writing a character by its code, which can spell any control sequence).
"""

from __future__ import annotations

_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_SYMBOLS = (
    "le leq ge geq ne neq approx equiv sim simeq cong propto ll gg in notin ni subset subseteq "
    "supset supseteq cup cap setminus emptyset varnothing forall exists neg lnot land lor wedge vee "
    "oplus ominus otimes odot times cdot cdotp cdots ldots dots vdots ddots pm mp div ast star circ "
    "bullet infty partial nabla prime to gets rightarrow leftarrow Rightarrow Leftarrow "
    "leftrightarrow Leftrightarrow longrightarrow longleftarrow mapsto implies iff uparrow "
    "downarrow colon lbrace rbrace backslash mid parallel perp angle triangle hbar ell aleph "
    "top bot vdash models sum prod coprod int iint oint bigcup bigcap bigoplus bigotimes "
    "bigvee bigwedge"
)
_FUNCTIONS = (
    "frac dfrac tfrac sqrt binom choose over lim limsup liminf max min sup inf arg deg dim ker "
    "log lg ln exp sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh det gcd Pr "
    "mod bmod pmod operatorname"
)
_LAYOUT = (
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr lfloor rfloor lceil rceil "
    "langle rangle vert Vert lvert rvert lVert rVert "
    "mathrm mathbf mathit mathsf mathtt mathcal mathbb mathfrak boldsymbol text textrm textbf "
    "textit texttt textsf rm bf it tt "
    "hat bar tilde vec dot ddot acute grave breve check overline underline widehat widetilde "
    "overbrace underbrace overset underset stackrel "
    "quad qquad enspace thinspace negthinspace displaystyle textstyle scriptstyle "
    "limits nolimits substack begin end hline cr"
)
#: Control words a formula may use.
ALLOWED_WORDS = frozenset(" ".join((_GREEK, _SYMBOLS, _FUNCTIONS, _LAYOUT)).split())
#: Environments ``\\begin{...}`` may open.
ALLOWED_ENVIRONMENTS = frozenset(
    "matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases array aligned alignedat "
    "gathered split align align* equation equation* gather gather* multline multline*".split())


def tex_refusal(tex: str) -> str | None:
    """Why ``tex`` may not be typeset (None: it may): the first control
    sequence or environment outside the allow-lists, or a ``^^``."""
    if "^^" in tex:
        return "TeX character code (^^)"
    at, end = 0, len(tex)
    while True:
        at = tex.find("\\", at)
        if at < 0 or at + 1 >= end:
            return None
        start = at + 1
        stop = start
        while stop < end and tex[stop].isascii() and tex[stop].isalpha():
            stop += 1
        if stop == start:  # a control symbol: \\ \, \{ \% ...
            at = start + 1
            continue
        word = tex[start:stop]
        if word not in ALLOWED_WORDS:
            return f"TeX \\{word}"
        if word in ("begin", "end"):
            name = _braced(tex, stop)
            if name not in ALLOWED_ENVIRONMENTS:
                return f"TeX environment {name or '(none)'}"
        at = stop


def _braced(tex: str, at: int) -> str | None:
    """The text of the ``{...}`` group starting at ``at`` (spaces skipped)."""
    while at < len(tex) and tex[at] == " ":
        at += 1
    close = tex.find("}", at)
    if at >= len(tex) or tex[at] != "{" or close < 0:
        return None
    return tex[at + 1:close].strip()
