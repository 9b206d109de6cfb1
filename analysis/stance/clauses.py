"""Clause structure on a spaCy dependency parse: clause heads, subjects and the clauses a target owns.

A cue counts for an actor only inside a clause the actor is the subject or the speaker of; these
helpers answer "which clause is this token in" and "which tokens belong to the target's clauses".
"""

from __future__ import annotations

from typing import Any

# "we"/"I" stand for the actor once the actor is speaking in the sentence
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# a descendant clause of these kinds with its own, different subject is someone else's clause
_SEPARATE_CLAUSE_DEPS = frozenset({"advcl", "relcl", "acl", "conj", "parataxis"})


def is_clause_head(t: Any) -> bool:
    """A full verb (not an auxiliary) or the sentence root: the token a clause hangs from."""
    return (t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")) or t.dep_ == "ROOT"


def clause_head(t: Any) -> Any:
    """The head of the clause token ``t`` sits in, so cues of one clause share negation and hedges."""
    while not is_clause_head(t) and t.head.i != t.i:
        t = t.head
    return t


def _subject(v: Any) -> Any | None:
    """The subject token of clause head ``v``, inherited through conj/xcomp chains."""
    seen = 0
    while seen < 6:
        for c in v.children:
            if c.dep_ in SUBJECT_DEPS:
                return c
        if v.dep_ in ("conj", "xcomp") and v.head.i != v.i:
            v = v.head
            seen += 1
            continue
        return None
    return None


def condition_words(c: Any) -> list[int]:
    """The opening words of subordinate clause ``c``: its subordinator ("if", "unless", "that") and
    an adverb before it ("only if", "even if"), which qualify the clause ``c`` hangs from."""
    marks = [m.i for m in c.children if m.dep_ == "mark"]
    if not marks:
        return []
    return [*marks, *(m.i for m in c.children if m.dep_ == "advmod" and m.i < min(marks))]


def owned_tokens(doc: Any, target_tokens: set[int], first_person_is_target: bool) -> tuple[set[int], dict[int, str]]:
    """Tokens in clauses where the target is subject or speaker, and each clause head's role."""
    owned: set[int] = set()
    role: dict[int, str] = {}

    def is_target(tok: Any | None) -> bool:
        if tok is None:
            return False
        return tok.i in target_tokens or (first_person_is_target and tok.lower_ in FIRST_PERSON)

    def other_subject(v: Any) -> bool:
        s = _subject(v) if v.dep_ not in ("conj",) else next((c for c in v.children if c.dep_ in SUBJECT_DEPS), None)
        return s is not None and not is_target(s) and s.lower_ not in FIRST_PERSON

    for v in doc:
        if not is_clause_head(v) or not is_target(_subject(v)):
            continue
        stack = [v]
        role[v.i] = "subject"
        while stack:
            t = stack.pop()
            owned.add(t.i)
            for c in t.children:
                if c.i != v.i and is_clause_head(c) and c.dep_ in _SEPARATE_CLAUSE_DEPS and other_subject(c):
                    # someone else's clause, but its "if"/"unless" ("only if") still conditions the actor's
                    owned.update(condition_words(c))
                    continue
                if is_clause_head(c) and c.i not in role:
                    role[c.i] = "speaker"
                stack.append(c)
    return owned, role

