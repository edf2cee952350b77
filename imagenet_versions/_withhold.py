"""The one policy for labels the audits found offensive: withheld unless asked.

Every output of the library that can show a class label (CLI text and JSON,
survivor and trace records, Croissant exports, diagrams, the docs and the
notebooks) asks this module, and nothing else, whether to show it. The withheld
set is :func:`withheld`: the synsets Yang et al. 2020 found *offensive*, and those
WordNet 3.0 itself marks as derogatory (a disparagement, ethnic-slur or obscenity
usage marker, or a gloss saying the term is offensive), whose lemmas are the same
kind of word. Such a label is replaced by :data:`WITHHELD`; its wnid stays, so the
result can still be counted, joined and traced. ``show_offensive=True`` (Python)
or ``--show-offensive`` (CLI) shows it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from imagenet_versions.audit import Subtree, Survivor, SurvivorReport, Trace
    from imagenet_versions.catalog import Catalog
    from imagenet_versions.flags import Evidence

__all__ = ["WITHHELD", "LabelPolicy", "withheld"]

#: What a withheld label reads as.
WITHHELD = "[label withheld: offensive]"

#: The flags whose synsets' labels are withheld.
WITHHELD_FLAGS = ("offensive", "derogatory")


@functools.cache
def withheld() -> frozenset[str]:
    """Wnids whose labels are withheld by default (Yang et al. offensive, WordNet derogatory)."""
    from imagenet_versions.flags import flagged

    out: set[str] = set()
    for flag in WITHHELD_FLAGS:
        out |= flagged(flag)
    return frozenset(out)


@attrs.frozen
class LabelPolicy:
    """Whether labels of :func:`withheld` synsets are shown (``show_offensive``) or withheld."""

    show_offensive: bool = False

    def hides(self, wnid: str) -> bool:
        """True if the label of ``wnid`` is withheld under this policy."""
        return not self.show_offensive and wnid in withheld()

    def label(self, wnid: str, text: str) -> str:
        """``text`` (a label of ``wnid``), or :data:`WITHHELD`."""
        return WITHHELD if self.hides(wnid) else text

    def namer(self, catalog: Catalog) -> Callable[[str], str]:
        """A function wnid -> its catalog name, or :data:`WITHHELD`."""
        hidden = frozenset() if self.show_offensive else withheld()

        def name(wnid: str) -> str:
            return WITHHELD if wnid in hidden else catalog.name_of(wnid)

        return name

    # ------------------------------------------------------------ records

    def evidence(self, wnid: str, ev: Mapping[str, Evidence]) -> dict[str, Evidence]:
        """Evidence with the lemmas a WordNet marker names withheld."""
        if not self.hides(wnid):
            return dict(ev)
        return {f: _scrub_evidence(e) for f, e in ev.items()}

    def survivor(self, s: Survivor) -> Survivor:
        if not self.hides(s.wnid):
            return s
        # ``label`` is the class id the version files it under (the wnid itself, or a
        # superclass id such as BREEDS'): an id, shown like every other id
        return attrs.evolve(s, name=WITHHELD, evidence=self.evidence(s.wnid, s.evidence))

    def survivors(self, report: SurvivorReport) -> SurvivorReport:
        if self.show_offensive:
            return report
        return attrs.evolve(report, survivors=tuple(self.survivor(s) for s in report.survivors))

    def trace(self, t: Trace) -> Trace:
        if not self.hides(t.wnid):
            return t
        return attrs.evolve(t, name=WITHHELD, gloss=WITHHELD)

    def subtree(self, st: Subtree) -> Subtree:
        return attrs.evolve(st, name=WITHHELD) if self.hides(st.root) else st

    def apply(self, value: Any) -> Any:
        """A :class:`~imagenet_versions.audit.SurvivorReport`, :class:`~imagenet_versions.audit.Trace`
        or :class:`~imagenet_versions.audit.Subtree` with the policy applied."""
        from imagenet_versions.audit import Subtree, SurvivorReport, Trace

        if isinstance(value, SurvivorReport):
            return self.survivors(value)
        if isinstance(value, Trace):
            return self.trace(value)
        if isinstance(value, Subtree):
            return self.subtree(value)
        msg = f"no label policy for {type(value).__name__}"
        raise TypeError(msg)


def _scrub_evidence(e: Evidence) -> Evidence:
    value: Any = e.value
    lemmas = []
    if isinstance(value, tuple) and any(hasattr(m, "lemma") for m in value):
        lemmas = [m.lemma for m in value if getattr(m, "lemma", None)]
        value = tuple(attrs.evolve(m, lemma=WITHHELD) if getattr(m, "lemma", None) else m for m in value)
    detail = e.detail
    for lemma in sorted(lemmas, key=len, reverse=True):
        for form in {lemma, lemma.replace("_", " ")}:
            detail = detail.replace(form, WITHHELD)
    return attrs.evolve(e, value=value, detail=detail)


#: The default policy: offensive labels withheld.
DEFAULT = LabelPolicy()


def policy(show_offensive: bool = False) -> LabelPolicy:
    """The policy for ``show_offensive``."""
    return LabelPolicy(show_offensive=show_offensive)
