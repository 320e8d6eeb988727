//! The small English lexicon that tells *asking what something is* apart from everything else.
//!
//! Topic names come from the response files; this module holds only the language around them:
//! words that ask for a definition, words that ask about an aspect the reviewed text does not
//! cover (side effects, cost, outcomes, logistics, personal decisions), words that report rather
//! than ask, and filler. All lists are matched against whole normalised words, never fuzzily:
//! a typo may weaken a request, but must never turn a statement into one.
//!
//! The lists are data; `rustfmt` leaves them compact (see `#[rustfmt::skip]` on the module).

/// Words that by themselves ask for an explanation.
pub const DEFINITION_WORDS: &[&str] = &[
    "explain", "explanation", "define", "definition", "meaning", "mean", "means", "describe",
    "eli5", "understand", "overview", "basics", "101", "intro", "introduction", "exist", "exists",
    "explained",
    // Common misspellings of the words above: listed, never guessed.
    "explian", "expalin", "explane", "explin", "defintion", "definiton", "defenition",
];

/// Word pairs that ask for an explanation.
pub const DEFINITION_PAIRS: &[(&str, &str)] = &[
    ("tell", "me"), ("tell", "us"), ("tell", "about"), ("info", "on"), ("info", "about"),
    ("information", "on"), ("information", "about"), ("stand", "for"), ("stands", "for"),
    ("real", "thing"), ("learn", "about"),
];

/// Words that often follow a therapy's name as part of it ("CAR-T therapy", "mAb drugs").
pub const GENERIC_HEADS: &[&str] = &[
    "therapy", "therapies", "treatment", "treatments", "cell", "cells", "drug", "drugs",
    "medication", "medications", "medicine", "meds", "thing", "things", "approach",
];

/// After `how`, these make a question about the mechanism ("how does it work").
pub const HOW_MECHANISM: &[&str] = &["does", "do", "is", "are", "exactly", "would", "can", "could"];

/// After `how does/do`, these make the question personal or logistical instead.
pub const HOW_PERSONAL: &[&str] = &["i", "we", "you", "my", "one", "people", "patients"];

/// After `what`, these make "what is it" questions ("what is", "what exactly are", "what kind
/// of treatment is"). Any other word makes a different question: "what time", "what cancers",
/// "what happens", "what about".
pub const AFTER_WHAT: &[&str] = &[
    "is", "are", "was", "were", "does", "do", "exactly", "even", "really", "actually",
    "precisely", "kind", "type", "sort", "am",
];

/// Prepositions that tie another subject to the topic: "what is a flare *after* CAR-T".
pub const RELATION_WORDS: &[&str] = &[
    "in", "on", "after", "from", "with", "during", "for", "of", "while", "without", "before",
    "against", "via", "through", "behind", "about",
];

/// Words between "what is" and such a preposition that still ask about the topic itself:
/// "what is the role of", "what's the idea behind", "what exactly is the point of".
pub const DEFINITION_FRAME: &[&str] = &[
    "the", "a", "an", "this", "these", "that", "those", "exactly", "even", "really", "actually",
    "so", "meant", "by", "deal", "idea", "purpose", "point", "role", "concept", "principle",
    "definition", "meaning", "kind", "type", "sort", "mechanism", "science", "basics", "basis",
    "gist", "function", "goal", "aim", "action", "use", "uses", "used", "all", "thing", "story",
];

/// After "what `<topic name>`", these still ask what it is ("what CAR-T is", "what checkpoint
/// inhibitors do"); anything else asks something else ("what CAR-T did you get").
pub const AFTER_WHAT_NAME: &[&str] = &[
    "is", "are", "was", "were", "does", "do", "mean", "means", "stand", "stands", "involve",
    "involves", "exactly", "actually", "really", "even",
];

/// Words that ask about something the reviewed definitions do not cover.
pub const ASPECT_WORDS: &[&str] = &[
    // side effects and safety
    "side", "adverse", "risk", "risks", "risky", "danger", "dangerous", "safe", "safety", "toxic",
    "toxicity", "complication", "complications", "symptom", "symptoms", "tired", "tiredness",
    "fatigue", "diarrhea", "diarrhoea", "nausea", "nauseous", "vomit", "vomiting", "rash", "pain",
    "painful", "hurt", "hurts", "itchy", "fever", "hair", "thyroid", "cause", "causes", "crs",
    "weight", "allergic", "interaction", "interactions",
    // other uses of the same words: allergy immunotherapy, antibody tests
    "allergy", "allergies", "allergen", "allergens", "test", "testing",
    // cost and coverage
    "cost", "costs", "price", "pricing", "expensive", "cheap", "afford", "affordable", "pay",
    "paid", "insurance", "insurer", "insured", "covered", "coverage", "medicare", "medicaid",
    "nhs", "copay", "money",
    // outcomes
    "success", "successful", "survival", "survive", "rate", "rates", "statistics", "stats", "odds",
    "chance", "chances", "prognosis", "cure", "cures", "cured", "curable", "remission",
    "effective", "effectiveness", "efficacy", "worth", "stage", "expectancy", "percent",
    "percentage", "outcome", "outcomes", "results", "think", "thought", "thoughts", "opinion",
    "opinions",
    // logistics and access
    "recovery", "recover", "long", "often", "many", "much", "when", "where", "which", "who",
    "eligible", "eligibility", "candidate", "qualify", "hospital", "hospitals", "clinic",
    "clinics", "near", "offer", "offers", "available", "availability", "approved", "approval",
    "fda", "trial", "trials", "study", "studies", "research", "latest", "history", "invented",
    "discovered", "schedule", "dose", "doses", "dosage", "cycle", "cycles", "session",
    "sessions", "duration", "expect", "prepare", "diet", "eat", "food", "alcohol", "drink",
    "pregnant", "pregnancy", "covid", "find", "buy", "given", "administered", "injected",
    "infused", "called", "dog", "cat", "pet", "veterinary", "give", "gives", "giving", "decide",
    "choose",
    // the course of a treatment
    "stop", "stops", "stopped", "fail", "fails", "failed", "failing", "working", "resistance",
    "resistant", "feel", "feels", "feeling", "experience", "experiences", "happens", "happen",
    "happened", "after",
    // specifics and recommendations the text does not give
    "brand", "names", "example", "examples", "list", "best", "worst", "recommend", "recommended",
    // comparisons and combinations
    "difference", "different", "differ", "vs", "versus", "compare", "compared", "comparison",
    "better", "worse", "than", "instead", "alternative", "alternatives", "combine", "combined",
    "combination", "together", "alongside",
];

/// Word pairs that make a question personal or about an aspect.
pub const ASPECT_PAIRS: &[(&str, &str)] = &[
    ("should", "i"), ("can", "i"), ("could", "i"), ("will", "i"), ("would", "i"), ("do", "i"),
    ("am", "i"), ("i", "need"), ("should", "my"), ("is", "my"), ("does", "my"), ("not", "work"),
    ("what", "if"), ("day", "to"), ("same", "time"), ("you", "on"), ("did", "you"),
    ("have", "you"), ("were", "you"), ("is", "new"), ("are", "new"),
];

/// Words that report something already said or done: in a sentence without a question mark,
/// one of these makes a statement ("I googled what immunotherapy is"), not a request.
pub const NARRATIVE_WORDS: &[&str] = &[
    "thanks", "thank", "helped", "helpful", "googled", "searched", "covered", "explained",
    "answered", "discussed", "talked", "mentioned", "read", "learned", "learnt", "told", "said",
    "already", "reminder", "understood", "watched", "saw",
];

/// Word pairs that report rather than ask ("I know what CAR-T is").
pub const NARRATIVE_PAIRS: &[(&str, &str)] = &[
    ("i", "know"), ("we", "know"), ("i", "knew"), ("now", "know"),
];

/// Words that carry no request and no content: greetings, fillers, politeness, the bot itself.
pub const FILLER_WORDS: &[&str] = &[
    "hey", "hi", "hello", "yo", "hiya", "so", "ok", "okay", "um", "uh", "like", "bot", "please",
    "the", "a", "an", "about", "on", "is", "are", "it", "this", "that", "exactly", "even", "quick",
    "q", "question", "anyone", "someone", "somebody", "folks", "guys", "all", "everyone", "again",
];

pub fn contains(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}
