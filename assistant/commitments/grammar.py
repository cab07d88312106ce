"""Small grammar facts about English words that the commitment rules lean on.

The project has no part-of-speech tagger, and commitments are mostly verb phrases ("invest in
research, forge closer links and ..."), so this module keeps the closed lists a tagger would
supply: the base-form verbs that plans act with, the "-ing" words that are nouns, the words that
mark a comparison or a change, and the auxiliaries that make a clause finite. Every rule that
asks "is this a verb?" asks here, so a new verb is added once.

Leaves out deciding what a commitment is (`rules.py`) and splitting one into actions
(`actions.py`).
"""

from __future__ import annotations

import re

# Base forms of the verbs plans commit with. General plan-writing verbs, not words of any
# one document: the list is what "we will ..." and action items open with.
VERBS = frozenset("""
accelerate achieve act adapt add address adopt advance advocate agree align allocate analyse
appoint apply assess assure attract audit bring broaden build champion change close co-design
co-produce collaborate collect combine commission commit communicate complete consider
consolidate consult continue contribute convene coordinate co-ordinate create cut decrease
define deliver demonstrate deploy design develop digitise direct double drive eliminate embed
embrace empower enable encourage end engage enhance enrol ensure equip establish evaluate
evolve examine exchange expand explore extend facilitate finalise focus forge form formalise
foster free fund gain gather generate give grow halve harness help host identify implement
improve include incorporate increase influence inform integrate introduce invest involve join keep
launch lead learn leverage lift limit link listen lobby look lower maintain make manage map
maximise measure meet minimise mobilise model modernise monitor move narrow offer open
optimise organise oversee partner pilot place position prepare prevent prioritise produce
progress promote protect provide publish pursue push put raise reach realise rebuild recruit
redesign reduce refocus reform refresh reinforce release remove renew reorganise
replace report represent reprioritise reshape resource respond restore retain review revise
roll run safeguard scale secure seek set share shift showcase simplify speed spread standardise
start stop streamline strengthen support sustain tackle take target test track train transfer
transform translate treat trial undertake unify update upgrade upskill use value widen work
""".split())

# Verbs of `VERBS` that plans use as nouns just as often ("support mechanisms", "a target",
# "their work"): a member opening with one is a verb only when its object plainly follows.
NOUN_VERBS = frozenset("""act change close commission design drive end fund focus form
help lead leverage link map measure model monitor move offer partner pilot place position
progress report resource review run set share shift start stop support target test track
trial use value work""".split())

# "-ing" words that are nouns or prepositions in plan writing: not the actions of a list.
ING_NON_VERBS = frozenset("""according building buildings concerning during evening excluding
following funding housing including learning meeting morning nothing nursing offering
offerings planning regarding setting settings something spending thing things training
understanding wellbeing well-being""".split())

COMPARATIVES = frozenset("""more less fewer better earlier improved reduced increased new
extra additional""".split())
SHORT_ADJECTIVES = frozenset("""short fast low high strong quick small wide close great long
safe large near easy early healthy happy fair simple clear""".split())

AUXILIARIES = frozenset("""is are was were am has have had do does did will would can could
may might must shall should""".split())

DETERMINERS = frozenset("""a an the this that these those our their its his her my your any
each every all some no""".split())

# Participles that do not end in -ed or -en: "will be made", "will be set up".
IRREGULAR_PARTICIPLES = frozenset("""made built set held given done seen taken put brought kept
led run met sent spent paid found shown known put cut begun begin got been gone come become lost
left said told taught thought won felt heard risen fallen grown written driven chosen
drawn""".split())

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def is_verb(word: str) -> bool:
    """A base-form verb of `VERBS`, whatever its case."""
    return word.lower() in VERBS


def is_gerund(word: str) -> bool:
    lowered = word.lower()
    return lowered.endswith("ing") and len(lowered) > 5 and lowered not in ING_NON_VERBS


def is_participle(word: str) -> bool:
    """"-ed", "-en" or irregular: the verb of a passive ("will be made more visible")."""
    lowered = word.lower()
    return (lowered in IRREGULAR_PARTICIPLES or (lowered.endswith("ed") and len(lowered) > 4)
            or (lowered.endswith("en") and lowered[:-2] + "e" in VERBS))


def states_change(text: str) -> bool:
    """Whether a phrase says what will change ("shorter waits", "keeping staff well"), as a
    pledge must to count; a bare topic ("access to GP services") does not."""
    words = [w.lower() for w in WORD.findall(text)]
    return bool(words) and (is_verb(words[0]) or any(
        w in COMPARATIVES or is_gerund(w) or _comparative_adjective(w) for w in words))


def _comparative_adjective(word: str) -> bool:
    """"shorter", "faster", "closer", "easier": a short adjective with -er (not "partner",
    "other")."""
    return word.endswith("er") and (word[:-2] in SHORT_ADJECTIVES or word[:-1] in SHORT_ADJECTIVES
                                    or (word.endswith("ier") and word[:-3] + "y"
                                        in SHORT_ADJECTIVES))


def is_finite(text: str) -> bool:
    """Whether a clause has a finite verb (an auxiliary not after "to"): "Hinckley to host a
    centre in 2024/25" and "Considering a strategy" are fragments; "Pledge 1 is about" is not."""
    words = [w.lower() for w in WORD.findall(text)]
    return any(w in AUXILIARIES and (i == 0 or words[i - 1] != "to") for i, w in enumerate(words))
