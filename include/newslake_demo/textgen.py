"""Article text from topic facts and generic news phrasing, driven by a seeded RNG.

Templates use ``[a|b]`` alternations and ``{slot}`` fields, so two stories drawing on the
same templates share few word 5-grams; the same seed always yields the same text.
"""

from __future__ import annotations

import random
import re

from newslake_demo.topics import Topic

_ALT = re.compile(r"\[([^\[\]]+)\]")

LEADS = (
    "[Officials|Leaders] in {place} [were|found themselves] [grappling with|confronting] "
    "{subject} on {weekday}, [as|while] {org} [weighed|considered] [its next steps|what to do "
    "next].",
    "{subject_cap} [dominated|took over] [the conversation|public debate] in {place} this "
    "[week|weekend], [with|as] {org} [under pressure|facing questions] from [residents|critics].",
    "[A new chapter|Another turn] in {subject} [unfolded|played out] on {weekday} [when|as] "
    "{p1}, {p1r}, [laid out|described] [what comes next|the road ahead].",
    "For [many|thousands of] people in {place}, {subject} [stopped being|is no longer] an "
    "abstraction [this week|on {weekday}].",
)

GENERIC = (
    "The [developments|latest moves] [come|arrive] [after|following] [weeks|months] of "
    "[mounting|growing] [pressure|frustration] [in|across] {place}.",
    "[Neither|None] of the [parties|sides] [offered|gave] a [firm|clear] timeline on {weekday}.",
    "{org_cap} [did not|declined to] [respond|reply] to [several|repeated] requests for "
    "[comment|an interview] [by|before] [publication|deadline].",
    "[Records|Documents] [reviewed|obtained] by [reporters|this publication] [show|indicate] "
    "the [issue|problem] [was flagged|came up] [at least|as many as] {n1} times [last year|in "
    "2021].",
    "[Some|Several] [residents|observers] [said|argued] the [response|reaction] had been "
    "[too slow|late], [while|though] others [praised|defended] [officials|the effort].",
    "[At|During] a [packed|tense] [meeting|session] on {weekday}, [speakers|residents] "
    "[lined up|waited] for [hours|most of the evening] to [weigh in|be heard].",
    "{p2l} [noted|pointed out] that [similar|comparable] [efforts|plans] [elsewhere|in other "
    "states] had [mixed|uneven] results.",
    "The [figures|numbers] [are|remain] [preliminary|subject to revision], [according to|said] "
    "[a spokesperson|an official] [for|at] {org}.",
    "[Still|Even so], [few|not many] [expect|predict] a [quick|simple] [resolution|fix].",
    "[Budget|Financial] [documents|filings] [put|place] the [cost|price tag] at roughly "
    "${n3},000 [so far|to date].",
    "[Advocates|Supporters] [plan|intend] to [return|come back] [next week|in May] with "
    "[petitions|more data] and [testimony|personal stories].",
    "[That|This] [assessment|view] [was|is] [not|hardly] [universal|shared by everyone], "
    "[however|though].",
    "[In|Across] [neighborhoods|towns] [near|around] {place}, [signs|posters] [about|on] "
    "{subject} [have appeared|went up] [in windows|on lawns].",
    "{p1l} [said|added] [a|the] [formal|detailed] [proposal|plan] [could|would] "
    "[come|be released] [within|in] {n1} [days|weeks].",
    "[Analysts|Experts] [say|note] [similar|such] [disputes|situations] [typically|often] "
    "[drag|stretch] [on|out] for [months|a year or more].",
    "[It|The episode] has [also|already] [drawn|attracted] [attention|scrutiny] [from|in] the "
    "[statehouse|capital], [where|and] [lawmakers|legislators] [asked for|requested] a "
    "[briefing|report].",
    "[A|One] [recent|new] [survey|poll] [found|showed] [{n2}|about {n2}] percent of "
    "[respondents|residents] [backed|favored] [stronger|faster] [action|measures].",
    "[Earlier|Last] [this year|month], [a similar|a related] [effort|proposal] [stalled|fell "
    "apart] [amid|over] [cost|legal] [concerns|questions].",
    "[Those|People] [closest to|most affected by] {subject} [say|insist] they [have heard|got] "
    "[little|few answers] [from|out of] {org}.",
    "{p3}, {p3r}, [did not mince words|spoke bluntly] [when|as] [reached|asked] [by "
    "phone|after the meeting].",
    "[The|A] [next|follow-up] [step|hearing] is [set|scheduled] for [{weekday}|next "
    "{weekday}], [officials|organizers] [said|confirmed].",
    "[A|The] [review|report] [released|published] [in March|last fall] [called|described] "
    "[the situation|conditions] as unsustainable [without|absent] [new|added] "
    "[money|resources].",
    "[Several|Two] [groups|organizations] [have|already] [threatened|signaled] [legal "
    "action|lawsuits] [if|should] [the plan|things] [moves|go] [forward|ahead] [unchanged|"
    "as written].",
    "[For now|In the meantime], [the|most] [focus|attention] [remains|stays] on [the coming|"
    "the next] {n1} [days|weeks].",
    "[Rival|Competing] [estimates|projections] [differ|vary] by [as much as|nearly] {n2} "
    "percent, [depending on|based on] [assumptions|the model used].",
    "[Local|Regional] [businesses|employers] [report|describe] [ripple|knock-on] effects, "
    "[from|including] [lost sales|scheduling headaches] [to|and] [staffing|supply] "
    "[gaps|problems].",
    "[Historically|In the past], {org} [has|had] [handled|managed] [such|these] [matters|"
    "questions] [quietly|behind closed doors].",
    "[The|This] [debate|issue] [also|now] [touches|bears] on [who|which communities] "
    "[pays|bears the cost] [and|while] [who|which groups] [benefits|gain the most].",
    "{p2}, {p2r}, [has|had] [argued|maintained] [for years|since 2019] that [the|this] "
    "[problem|crisis] [was|had been] [predictable|foreseeable].",
    "[A|One] [timeline|chronology] [compiled|assembled] [from|using] [public|meeting] "
    "[records|minutes] [shows|suggests] [warning signs|early alarms] [as early as|dating "
    "back to] [2018|2017].",
    "[Officials|Staff] [promised|pledged] [updates|weekly briefings] [on|through] [the|an] "
    "[website|social media accounts] [as|while] [the situation evolves|events develop].",
    "[No|Not a single] [official|representative] [disputed|challenged] [those|the] "
    "[figures|numbers] [during|at] [the|{weekday}'s] [session|hearing].",
)

QUOTES = (
    "We [owe|need to give] people [straight|honest] answers",
    "[Nobody|No one] [here|in this room] [wanted|chose] [this|to be here]",
    "It is [going to|bound to] [take|require] [time|patience] and [money|resources]",
    "We are [listening|paying attention], and we will [act|respond]",
    "[This|It] [is not|isn't] [over|finished] [by any means|yet]",
    "I [have|'ve] [never|not once] [seen|witnessed] anything [like it|quite like this]",
    "The [facts|details] [matter|count] more than the [headlines|noise]",
    "[People|Folks] [are|feel] [tired|worn out] and they [want|expect] results",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def expand(template: str, rng: random.Random, slots: dict[str, str]) -> str:
    """Resolve alternations with ``rng``, then fill ``{slot}`` fields."""
    text = template
    while True:
        new = _ALT.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        if new == text:
            break
        text = new
    return text.format_map(slots)


class _Slots(dict):
    """Slot values; ``n1``..``n3`` draw a fresh number on every use."""

    def __init__(self, rng: random.Random, values: dict[str, str]) -> None:
        super().__init__(values)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key == "n1":
            return str(self.rng.randint(3, 19))
        if key == "n2":
            return str(self.rng.randint(21, 89))
        if key == "n3":
            return f"{self.rng.randint(120, 9800):,}"
        raise KeyError(key)


def _slots(topic: Topic, rng: random.Random, weekday: str) -> dict[str, str]:
    slots = {
        "place": topic.place, "org": topic.org, "subject": topic.subject,
        "org_cap": topic.org[:1].upper() + topic.org[1:],
        "subject_cap": topic.subject[:1].upper() + topic.subject[1:],
        "weekday": weekday,
    }
    for i, (name, role) in enumerate(topic.people, 1):
        slots[f"p{i}"] = name
        slots[f"p{i}l"] = name.split()[-1]
        slots[f"p{i}r"] = role
    return _Slots(rng, slots)


def _attribute(quote: str, person: tuple[str, str], first: bool, rng: random.Random) -> str:
    name, role = person
    last = name.split()[-1]
    if first:
        return f'"{quote}," said {name}, {role}.'
    verb = rng.choice(("said", "added", "told reporters", "said on {day}"))
    return f'"{quote}," {last} {verb}.'


def generate_body(topic: Topic, seed: str, weekday: str, words: tuple[int, int] = (380, 760)
                  ) -> list[str]:
    """Paragraphs of one story on ``topic``; deterministic for a given ``seed``."""
    rng = random.Random(seed)
    slots = _slots(topic, rng, weekday)
    target = rng.randint(*words)
    generic = list(GENERIC)
    rng.shuffle(generic)
    facts = list(topic.facts)
    rng.shuffle(facts)
    people = topic.people
    quotes = [(q, people[i % len(people)]) for i, q in enumerate(topic.quotes)]
    quotes += [(q, rng.choice(people)) for q in rng.sample(QUOTES, 3)]
    rng.shuffle(quotes)
    introduced: set[str] = set()
    paragraphs = [expand(rng.choice(LEADS), rng, slots)]
    count = len(paragraphs[0].split())
    while count < target and (generic or facts or quotes):
        kind = 0.0 if len(paragraphs) in (2, 5) else rng.random()
        if kind < 0.3 and quotes:
            quote, person = quotes.pop()
            text = _attribute(expand(quote, rng, slots), person,
                              person[0] not in introduced, rng).replace("{day}", weekday)
            introduced.add(person[0])
            if generic and rng.random() < 0.5:
                text += " " + expand(generic.pop(), rng, slots)
        elif kind < 0.55 and facts:
            text = expand(facts.pop(), rng, slots)
            if facts and rng.random() < 0.5:
                text += " " + expand(facts.pop(), rng, slots)
        elif generic:
            text = " ".join(expand(generic.pop(), rng, slots)
                            for _ in range(min(len(generic), rng.randint(2, 3))))
        else:
            continue
        paragraphs.append(text)
        count += len(text.split())
    return paragraphs
