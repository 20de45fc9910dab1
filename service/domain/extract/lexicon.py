"""Word lists the quote attribution reads news English with: titles, roles, bodies, places.

Kept general (wire-style English about any story), not tuned to one article: a title is what
stands before a name ("US Secretary of State Marco Rubio"), a role noun is what a description
names a person by ("the spokesman"), a body word makes a name an organisation ("the Foreign
Ministry"), and places are never people.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The white-space separated words of ``text``, as a set."""
    return frozenset(text.split())


# Capitalised words that are part of a title before a name, never the name itself.
TITLE_WORDS = words(
    """
    president presidential vice prime minister foreign defence defense interior finance deputy
    secretary state general spokesman spokeswoman spokesperson envoy special ambassador adviser
    advisor national security chancellor chief senior senator sen. rep. representative congressman
    congresswoman governor mayor leader commander king queen prince princess pope sheikh emir
    crown dr dr. mr mr. mrs mrs. ms ms. chairman chairwoman chair director head premier speaker
    justice judge admiral gen. col. lt. colonel lieutenant major captain sergeant press aide
    assistant counsellor counselor official officer diplomat negotiator attorney treasury
    homeland commerce ceo founder executive former acting first lady majority minority whip sir
    lord dame bishop archbishop patriarch ayatollah
    """
)

# Adjectives and codes of nationality or affiliation that open a title ("Ukrainian President").
NATIONALITY_WORDS = words(
    """
    us u.s. usa uk u.k. eu u.n. un nato american russian ukrainian british english french german
    italian spanish polish chinese japanese korean indian iranian iraqi israeli palestinian
    turkish saudi qatari emirati egyptian syrian lebanese jordanian belarusian georgian
    hungarian romanian czech slovak dutch belgian swiss austrian swedish norwegian finnish
    danish estonian latvian lithuanian moldovan canadian mexican brazilian australian kremlin
    white house pentagon republican democratic democrat conservative labour european western
    """
)

# Nouns a description names a person by, grouped so "the aide" can find "spokesman Peskov".
ROLE_GROUPS: dict[str, str] = {
    **dict.fromkeys(
        ["spokesman", "spokeswoman", "spokesperson", "aide", "secretary", "representative"],
        "spokes",
    ),
    **dict.fromkeys(["president", "leader", "head"], "leader"),
    **dict.fromkeys(["minister", "chancellor", "premier"], "minister"),
    **dict.fromkeys(["envoy", "ambassador", "diplomat", "negotiator", "emissary"], "envoy"),
    **dict.fromkeys(["adviser", "advisor", "counsellor", "counselor"], "adviser"),
    **dict.fromkeys(["official", "officer", "source"], "official"),
    **dict.fromkeys(["senator", "lawmaker", "congressman", "congresswoman"], "lawmaker"),
    **dict.fromkeys(["general", "commander", "admiral", "chief"], "commander"),
    **dict.fromkeys(["governor", "mayor"], "governor"),
    **dict.fromkeys(["king", "queen", "prince", "emir", "sheikh", "pope"], "monarch"),
    **dict.fromkeys(["analyst", "expert", "professor"], "expert"),
}

# Words that make a name (or a description) an organisation or a document, not a person.
BODY_WORDS = words(
    """
    ministry ministries council kremlin house office department agency service committee
    commission union parliament government administration army forces force command staff bank
    fund organization organisation nations news post times press institute court embassy
    military navy cabinet assembly senate congress duma rada party alliance coalition federation
    republic corporation company group channel network tv television radio reuters afp ap bbc
    cnn tass interfax ria xinhua bloomberg guardian telegraph journal statement declaration
    communique communiqué report readout letter document memo agreement spokesman's pentagon
    nato un eu delegation team side headquarters secretariat mission paper newspaper
    broadcaster outlet magazine website portal
    """
)

# Documents: a pronoun "it" or "the statement" speaks for whoever issued it.
DOCUMENT_WORDS = words(
    """
    statement declaration communique communiqué report readout letter document memo post message
    decree resolution
    """
)

PERSON_PRONOUNS = frozenset(["he", "she"])
GROUP_PRONOUNS = frozenset(["they", "we"])

# Capitalised words that start no name: weekdays, months, sentence openers.
NOT_NAME_WORDS = words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today yesterday tomorrow earlier later
    meanwhile however but and or so the a an this that these those it its he she they we i you
    his her their our in on at for of by with from after before during as while when where if
    asked update breaking exclusive analysis opinion photo video watch live also there here what
    who why how according afterwards afterward subsequently separately additionally instead
    still yet now then thus overall first second third finally previously details source quote
    quotes background context read more see
    """
)

# Places: never speakers as people, never what "he" refers to.
PLACES = words(
    """
    ukraine russia kyiv kiev moscow washington europe america china beijing france paris germany
    berlin britain london poland warsaw italy rome turkey ankara istanbul iran tehran iraq
    baghdad israel jerusalem gaza syria damascus lebanon beirut egypt cairo jordan qatar doha
    riyadh jeddah saudi arabia emirates dubai abu dhabi belarus minsk crimea donbas donetsk
    luhansk kherson zaporizhzhia kharkiv odesa odessa kursk geneva brussels vienna helsinki
    stockholm oslo budapest bucharest prague tokyo japan india delhi canada ottawa mexico brazil
    australia africa asia
    """
)
MULTIWORD_PLACES = frozenset(
    [
        "united states",
        "united kingdom",
        "saudi arabia",
        "united arab emirates",
        "south korea",
        "north korea",
        "new york",
        "white house",
        "european union",
        "united nations",
        "russian federation",
        "middle east",
        "black sea",
        "le bourget",
        "truth social",
        "new delhi",
        "abu dhabi",
        "south africa",
        "gaza strip",
        "west bank",
    ]
)

# Where a statement was posted: "wrote on Truth Social", "said on X".
PLATFORMS = words(
    """
    x twitter telegram facebook instagram tiktok youtube threads bluesky weibo vk vkontakte
    whatsapp signal linkedin
    """
) | frozenset(["truth social"])

# Who one "told": "told reporters", "told journalists".
AUDIENCES = (
    *("reporters", "journalists", "correspondents", "the press", "the media", "media"),
    *("lawmakers", "parliament", "an audience", "the audience", "supporters", "students"),
    *("state television", "state media", "the nation", "the country", "a rally", "a forum"),
    *("a news conference", "a press conference", "a press briefing", "a news briefing"),
    *("a briefing", "a conference", "the conference", "the briefing", "a meeting"),
)

# Phrase-level words the mention chunker stops at or reads (`service.domain.extract.mentions`).
PREPOSITIONS = words(
    """
    in at on during with from for of to by after before near over about under against between
    among into through via than like since until without within across behind toward towards
    regarding concerning including despite following amid
    """
)
DETERMINERS = words("the a an his her their its")
PRONOUNS = words("he she they it we i")
NAME_CONNECTORS = words("de al bin ibn von van da la le el du der del")
PHRASE_STOPS = PREPOSITIONS | words(
    """
    and or but that who which whose while as is was were are be been has have had will would can
    could may might must should not also
    """
)

# Plural nouns naming a group after a nationality ("Ukrainian officials").
GROUP_NOUNS = words(
    "officials sources diplomats authorities negotiators lawmakers analysts experts military "
    "forces troops media leaders officers commanders"
)

# Title words that modify a head noun rather than being one ("a senior official").
TITLE_MODIFIERS = words(
    "senior special former acting deputy chief national foreign vice prime first"
)

# Speech verbs by form (the cues of `service.domain.extract.cues`): form -> lemma.
_FORMS = """
say: say says said saying
tell: tell tells told telling
state: stated states stating
add: add adds added adding
note: notes noted noting
stress: stresses stressed stressing
emphasize: emphasizes emphasized emphasizing emphasises emphasised emphasising
warn: warn warns warned warning
argue: argue argues argued arguing
write: writes wrote writing
post: posted posting
tweet: tweeted tweeting
announce: announces announced announcing
declare: declares declared declaring
insist: insist insists insisted insisting
claim: claimed claiming
explain: explains explained explaining
confirm: confirms confirmed confirming
acknowledge: acknowledges acknowledged acknowledging
admit: admits admitted admitting
assert: asserts asserted asserting
reiterate: reiterates reiterated reiterating
underline: underlines underlined underlining
underscore: underscores underscored underscoring
suggest: suggests suggested suggesting
conclude: concluded concluding
remark: remarked
reply: replied replies
respond: responded
answer: answered
ask: asked asking
urge: urges urged urging
vow: vowed vowing
pledge: pledged pledging
promise: promised
predict: predicted
describe: describes described describing
call: called calling
hail: hails hailed hailing
thank: thanks thanked thanking
dismiss: dismisses dismissed dismissing
deny: denies denied denying
mention: mentioned
point: pointed points
recall: recalled recalling
quip: quipped
complain: complained
boast: boasted
accuse: accused accusing
praise: praised praising
criticize: criticized criticised
condemn: condemned
demand: demanded
read: reads
continue: continued
brand: branded
label: labelled labeled
quote: quoted
press: pressed
order: ordered
go: went goes
"""
VERB_FORMS: dict[str, str] = {
    form: lemma
    for line in _FORMS.strip().splitlines()
    for lemma, forms in [line.split(":")]
    for form in forms.split()
}
