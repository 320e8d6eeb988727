//! Word patterns of the safety language file, compiled to small automata over word ids.
//!
//! Owns the pattern syntax (documented in `responses/safety-language.toml`) and its matching.
//! A pattern compiles to a position automaton of at most [`MAX_POSITIONS`] positions, run over
//! a message's words with one 128-bit state, so matching costs at most words × positions steps:
//! linear in the (already bounded) message, whatever the pattern. It never allocates while
//! matching.

use super::text::{self, Mode, Vocabulary, WordId, BREAK, NUMBER, TEMPERATURE, UNKNOWN, YEAR};

/// Most word positions one pattern may have (alternatives and gaps count each of their words).
pub const MAX_POSITIONS: usize = 128;

/// Widest gap a pattern may hold (`*8`).
pub const MAX_GAP: usize = 8;

/// What one position of a pattern accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    Word(WordId),
    /// A word of the class with this index (`@name`).
    Class(u8),
    /// Any number, temperatures included (`<num>`).
    Number,
    /// A fever-range temperature (`<temp>`).
    Temperature,
    /// A year, 1900 to 2099 (`<year>`).
    Year,
    /// Any one word (inside a gap `*`).
    Any,
}

/// A parsed pattern, before it becomes an automaton.
#[derive(Debug, Clone)]
enum Node {
    Atom(Accept),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Opt(Box<Node>),
}

/// Why a pattern was refused.
pub(crate) type PatternError = String;

/// Word classes as the pattern compiler sees them: name -> (index, members as word-id phrases).
pub(crate) struct Classes<'a> {
    pub names: &'a [String],
    /// Multi-word members of each class, compiled as alternatives next to the class itself.
    pub phrases: &'a [Vec<Vec<WordId>>],
    /// Whether a class holds any word listed as common.
    pub common: &'a [bool],
}

/// One compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    accept: Vec<Accept>,
    follow: Vec<u128>,
    first: u128,
    last: u128,
    /// Written with a final `$`: the match must end its sentence.
    at_end: bool,
    /// Word ids at least one of which any match contains; the router only runs the pattern
    /// on messages holding one of them.
    pub anchors: Vec<WordId>,
    /// Classes that anchor the pattern the same way.
    pub anchor_classes: Vec<u8>,
    /// What any match must contain, one need per word it cannot do without.
    needs: Vec<Need>,
}

/// Word ids as a small bit filter: it may hold an id by accident, never miss one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct IdFilter([u64; 4]);

impl IdFilter {
    fn add(&mut self, id: WordId) {
        let bit = (u32::from(id).wrapping_mul(0x9E37_79B1) >> 24) as usize;
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    fn meets(&self, other: &IdFilter) -> bool {
        self.0.iter().zip(other.0).any(|(a, b)| a & b != 0)
    }
}

/// One word a match cannot do without: any of some word ids (as a filter), or a word of any
/// of some classes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Need {
    ids: IdFilter,
    classes: u128,
}

impl Need {
    /// Whether a message holding `present` may meet the need.
    pub(crate) fn met_by(&self, present: &Present) -> bool {
        self.classes & present.classes != 0 || self.ids.meets(&present.ids)
    }
}

/// What a message holds, for [`Need::met_by`]: the classes of its words, and its word
/// ids as a filter.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Present {
    classes: u128,
    ids: IdFilter,
}

impl Present {
    pub(crate) fn add(&mut self, id: WordId, classes: u128) {
        self.classes |= classes;
        self.ids.add(id);
    }
}

impl Pattern {
    /// Parses and compiles `source`, adding its words to `vocabulary`.
    pub(crate) fn compile(
        source: &str,
        vocabulary: &mut Vocabulary,
        classes: &Classes<'_>,
        common: &[WordId],
    ) -> Result<Pattern, PatternError> {
        let (source, at_end) = match source.trim_end().strip_suffix('$') {
            Some(rest) => (rest, true),
            None => (source, false),
        };
        let pieces = lex(source)?;
        let mut parser = Parser {
            pieces: &pieces,
            at: 0,
            vocabulary,
            classes,
        };
        let node = parser.alternatives()?;
        if parser.at != pieces.len() {
            return Err("unbalanced `)`".to_string());
        }
        let mut glushkov = Glushkov::default();
        let shape = glushkov.build(&node)?;
        if shape.nullable {
            return Err("the pattern can match no words at all; give it a required word".into());
        }
        let mut needs = Vec::new();
        collect_needs(&node, common, classes, &mut needs);
        // Rare needs first: they fail soonest. The rarest is the anchor that woke the pattern
        // (see `anchor`), met whenever the pattern is asked about, so it goes last.
        needs.sort_by_key(|(cost, _)| *cost);
        let first = 1.min(needs.len());
        needs.rotate_left(first);
        let needs = needs.into_iter().map(|(_, need)| need).collect();
        let (anchors, anchor_classes) =
            match anchor(&node, common, classes) {
                Some((_, words, classes)) => (words, classes),
                None => return Err(
                    "the pattern has no distinctive word: every match would have to be tried on \
                     most messages. Make at least one word (or class) outside `common` required"
                        .to_string(),
                ),
            };
        Ok(Pattern {
            accept: glushkov.accept,
            follow: glushkov.follow,
            first: shape.first,
            last: shape.last,
            at_end,
            anchors,
            anchor_classes,
            needs,
        })
    }

    /// What any match must contain, rarest first: a message lacking one of these cannot hold a
    /// match. Checking them is cheap next to [`Pattern::matches`].
    pub(crate) fn needs(&self) -> &[Need] {
        &self.needs
    }

    /// Whether the pattern matches somewhere in `words` without crossing a sentence end.
    pub(crate) fn matches(&self, words: &[WordId], class_of: impl Fn(WordId) -> u128) -> bool {
        let mut state: u128 = 0;
        // With `$`, a match found on one word counts once the next word is a sentence end.
        let mut pending = false;
        for &word in words {
            if word == BREAK {
                if pending {
                    return true;
                }
                state = 0;
                continue;
            }
            let mut candidates = self.first;
            let mut active = state;
            while active != 0 {
                let position = active.trailing_zeros() as usize;
                candidates |= self.follow[position];
                active &= active - 1;
            }
            let classes = class_of(word);
            let mut next = 0u128;
            while candidates != 0 {
                let position = candidates.trailing_zeros() as usize;
                let hit = match self.accept[position] {
                    Accept::Word(id) => id == word,
                    Accept::Class(class) => classes & (1u128 << class) != 0,
                    Accept::Number => matches!(word, NUMBER | TEMPERATURE | YEAR),
                    Accept::Temperature => word == TEMPERATURE,
                    Accept::Year => word == YEAR,
                    Accept::Any => true,
                };
                if hit {
                    next |= 1u128 << position;
                }
                candidates &= candidates - 1;
            }
            pending = next & self.last != 0;
            if pending && !self.at_end {
                return true;
            }
            state = next;
        }
        pending
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Open,
    Close,
    Or,
    Optional,
    Gap(usize),
    Class(String),
    Number,
    Temperature,
    Year,
    Literal(String),
}

fn lex(source: &str) -> Result<Vec<Piece>, PatternError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = source.chars().peekable();
    let flush = |literal: &mut String, pieces: &mut Vec<Piece>| {
        if !literal.trim().is_empty() {
            pieces.push(Piece::Literal(literal.trim().to_string()));
        }
        literal.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '(' | ')' | '|' | '?' | '*' | '@' | '<' => {
                flush(&mut literal, &mut pieces);
                match c {
                    '(' => pieces.push(Piece::Open),
                    ')' => pieces.push(Piece::Close),
                    '|' => pieces.push(Piece::Or),
                    '?' => pieces.push(Piece::Optional),
                    '*' => {
                        let mut digits = String::new();
                        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                            digits.push(*d);
                            chars.next();
                        }
                        let width = if digits.is_empty() {
                            3
                        } else {
                            digits.parse().unwrap_or(usize::MAX)
                        };
                        if width == 0 || width > MAX_GAP {
                            return Err(format!(
                                "a gap is `*` (up to 3 words) or `*1` to `*{MAX_GAP}`"
                            ));
                        }
                        pieces.push(Piece::Gap(width));
                    }
                    '@' => {
                        let mut name = String::new();
                        while let Some(n) = chars
                            .peek()
                            .filter(|n| n.is_ascii_alphanumeric() || **n == '_' || **n == '-')
                        {
                            name.push(*n);
                            chars.next();
                        }
                        if name.is_empty() {
                            return Err("`@` must be followed by a class name from [words]".into());
                        }
                        pieces.push(Piece::Class(name));
                    }
                    _ => {
                        let mut name = String::new();
                        for n in chars.by_ref() {
                            if n == '>' {
                                break;
                            }
                            name.push(n);
                        }
                        match name.as_str() {
                            "num" => pieces.push(Piece::Number),
                            "temp" => pieces.push(Piece::Temperature),
                            "year" => pieces.push(Piece::Year),
                            _ => {
                                return Err(format!(
                                    "unknown `<{name}>`: use <num>, <temp> or <year>"
                                ))
                            }
                        }
                    }
                }
            }
            '$' => return Err("`$` (end of sentence) may only end a pattern".into()),
            '.' | '!' | ';' | '\n' => {
                return Err(format!(
                    "`{c}` ends a sentence; patterns never span sentences, so leave it out"
                ))
            }
            _ => literal.push(c),
        }
    }
    flush(&mut literal, &mut pieces);
    if pieces.is_empty() {
        return Err("empty pattern".into());
    }
    Ok(pieces)
}

struct Parser<'a, 'b> {
    pieces: &'a [Piece],
    at: usize,
    vocabulary: &'a mut Vocabulary,
    classes: &'a Classes<'b>,
}

impl Parser<'_, '_> {
    fn alternatives(&mut self) -> Result<Node, PatternError> {
        let mut options = vec![self.sequence()?];
        while self.pieces.get(self.at) == Some(&Piece::Or) {
            self.at += 1;
            options.push(self.sequence()?);
        }
        Ok(if options.len() == 1 {
            options.remove(0)
        } else {
            Node::Alt(options)
        })
    }

    fn sequence(&mut self) -> Result<Node, PatternError> {
        let mut items = Vec::new();
        while let Some(piece) = self.pieces.get(self.at) {
            let item = match piece {
                Piece::Or | Piece::Close => break,
                Piece::Optional => return Err("`?` must follow a word or a group".into()),
                Piece::Open => {
                    self.at += 1;
                    let inner = self.alternatives()?;
                    if self.pieces.get(self.at) != Some(&Piece::Close) {
                        return Err("unbalanced `(`".into());
                    }
                    inner
                }
                Piece::Gap(width) => {
                    Node::Seq(vec![Node::Opt(Box::new(Node::Atom(Accept::Any))); *width])
                }
                Piece::Number => Node::Atom(Accept::Number),
                Piece::Temperature => Node::Atom(Accept::Temperature),
                Piece::Year => Node::Atom(Accept::Year),
                Piece::Class(name) => self.class(name)?,
                Piece::Literal(text) => {
                    let mut ids = Vec::new();
                    text::scan(text, Mode::Learn(self.vocabulary), |id| ids.push(id));
                    if ids.contains(&UNKNOWN) {
                        return Err(format!("`{text}` has a word too long to match"));
                    }
                    if ids.is_empty() {
                        return Err(format!("`{text}` has no words"));
                    }
                    // Only the last word of a literal takes a following `?`.
                    let mut words: Vec<Node> = ids.into_iter().map(atom_of).collect();
                    if self.pieces.get(self.at + 1) == Some(&Piece::Optional) && words.len() > 1 {
                        let last = words.pop().map(|w| Node::Opt(Box::new(w)));
                        self.at += 2;
                        items.extend(words);
                        items.extend(last);
                        continue;
                    }
                    Node::Seq(words)
                }
            };
            self.at += 1;
            if self.pieces.get(self.at) == Some(&Piece::Optional) {
                self.at += 1;
                items.push(Node::Opt(Box::new(item)));
            } else {
                items.push(item);
            }
        }
        if items.is_empty() {
            return Err("an empty alternative (`||`, `(|`, or `|)`)".into());
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Seq(items)
        })
    }

    fn class(&self, name: &str) -> Result<Node, PatternError> {
        let index = self
            .classes
            .names
            .iter()
            .position(|known| known == name)
            .ok_or_else(|| format!("`@{name}` is not a class in [words]"))?;
        let single = Node::Atom(Accept::Class(index as u8));
        let phrases = &self.classes.phrases[index];
        if phrases.is_empty() {
            return Ok(single);
        }
        let mut options = vec![single];
        options.extend(
            phrases
                .iter()
                .map(|phrase| Node::Seq(phrase.iter().copied().map(atom_of).collect())),
        );
        Ok(Node::Alt(options))
    }
}

fn atom_of(id: WordId) -> Node {
    match id {
        NUMBER | TEMPERATURE | YEAR => Node::Atom(Accept::Number),
        _ => Node::Atom(Accept::Word(id)),
    }
}

/// What a word costs as an anchor: a common word wakes a pattern on most messages.
const COMMON_COST: usize = 1_000;
/// What a number costs as an anchor.
const NUMBER_COST: usize = 2;

fn word_cost(id: WordId, common: &[WordId]) -> usize {
    if common.contains(&id) {
        COMMON_COST
    } else {
        1
    }
}

fn class_cost(class: u8, classes: &Classes<'_>) -> usize {
    if classes.common[usize::from(class)] {
        COMMON_COST
    } else {
        2
    }
}

/// The cheapest set of words (or classes) that every match must contain, with its cost:
/// distinctive words cost 1, common words (and classes holding one) cost many.
fn anchor(
    node: &Node,
    common: &[WordId],
    classes: &Classes<'_>,
) -> Option<(usize, Vec<WordId>, Vec<u8>)> {
    match node {
        Node::Atom(Accept::Word(id)) => Some((word_cost(*id, common), vec![*id], Vec::new())),
        Node::Atom(Accept::Class(class)) => {
            Some((class_cost(*class, classes), Vec::new(), vec![*class]))
        }
        Node::Atom(Accept::Number) => {
            Some((NUMBER_COST, vec![NUMBER, TEMPERATURE, YEAR], Vec::new()))
        }
        Node::Atom(Accept::Temperature) => Some((NUMBER_COST, vec![TEMPERATURE], Vec::new())),
        Node::Atom(Accept::Year) => Some((NUMBER_COST, vec![YEAR], Vec::new())),
        Node::Atom(Accept::Any) | Node::Opt(_) => None,
        Node::Seq(items) => items
            .iter()
            .filter_map(|item| anchor(item, common, classes))
            .min_by_key(|(cost, _, _)| *cost)
            .filter(|(cost, _, _)| *cost < COMMON_COST),
        Node::Alt(options) => {
            let mut all = (0, Vec::new(), Vec::new());
            for option in options {
                let (cost, words, classes) = anchor(option, common, classes)?;
                all.0 += cost;
                all.1.extend(words);
                all.2.extend(classes);
            }
            (all.0 < COMMON_COST).then_some(all)
        }
    }
}

/// The needs of `node` (see [`Pattern::needs`]) with what each costs as an anchor: a sequence
/// needs what each of its required items needs; anything else needs one word of [`need_of`].
fn collect_needs(
    node: &Node,
    common: &[WordId],
    classes: &Classes<'_>,
    needs: &mut Vec<(usize, Need)>,
) {
    match node {
        Node::Seq(items) => items
            .iter()
            .for_each(|item| collect_needs(item, common, classes, needs)),
        other => needs.extend(need_of(other, common, classes)),
    }
}

/// One need every match of `node` meets, if there is one, with its cost as an anchor: an
/// optional part or a gap needs nothing; an alternative needs one word of the need of each of
/// its options.
fn need_of(node: &Node, common: &[WordId], classes: &Classes<'_>) -> Option<(usize, Need)> {
    match node {
        Node::Atom(accept) => {
            let mut need = Need::default();
            let (ids, cost): (&[WordId], usize) = match accept {
                Accept::Word(id) => (std::slice::from_ref(id), word_cost(*id, common)),
                Accept::Class(class) => {
                    need.classes = 1u128 << class;
                    (&[], class_cost(*class, classes))
                }
                Accept::Number => (&[NUMBER, TEMPERATURE, YEAR], NUMBER_COST),
                Accept::Temperature => (&[TEMPERATURE], NUMBER_COST),
                Accept::Year => (&[YEAR], NUMBER_COST),
                Accept::Any => return None,
            };
            ids.iter().for_each(|&id| need.ids.add(id));
            Some((cost, need))
        }
        Node::Opt(_) => None,
        Node::Seq(items) => items.iter().find_map(|item| need_of(item, common, classes)),
        Node::Alt(options) => {
            let (mut cost, mut all) = (0, Need::default());
            for option in options {
                let (option_cost, need) = need_of(option, common, classes)?;
                all.ids
                    .0
                    .iter_mut()
                    .zip(need.ids.0)
                    .for_each(|(a, b)| *a |= b);
                all.classes |= need.classes;
                cost += option_cost;
            }
            Some((cost, all))
        }
    }
}

#[derive(Debug, Default)]
struct Glushkov {
    accept: Vec<Accept>,
    follow: Vec<u128>,
}

struct Shape {
    nullable: bool,
    first: u128,
    last: u128,
}

impl Glushkov {
    fn build(&mut self, node: &Node) -> Result<Shape, PatternError> {
        Ok(match node {
            Node::Atom(accept) => {
                if self.accept.len() >= MAX_POSITIONS {
                    return Err(format!(
                        "the pattern is too large (more than {MAX_POSITIONS} word positions); \
                         split it or use a class"
                    ));
                }
                self.accept.push(*accept);
                self.follow.push(0);
                let bit = 1u128 << (self.accept.len() - 1);
                Shape {
                    nullable: false,
                    first: bit,
                    last: bit,
                }
            }
            Node::Opt(inner) => Shape {
                nullable: true,
                ..self.build(inner)?
            },
            Node::Alt(options) => {
                let mut shape = Shape {
                    nullable: false,
                    first: 0,
                    last: 0,
                };
                for option in options {
                    let inner = self.build(option)?;
                    shape.nullable |= inner.nullable;
                    shape.first |= inner.first;
                    shape.last |= inner.last;
                }
                shape
            }
            Node::Seq(items) => {
                let mut shape = Shape {
                    nullable: true,
                    first: 0,
                    last: 0,
                };
                for item in items {
                    let inner = self.build(item)?;
                    let mut last = shape.last;
                    while last != 0 {
                        let position = last.trailing_zeros() as usize;
                        self.follow[position] |= inner.first;
                        last &= last - 1;
                    }
                    if shape.nullable {
                        shape.first |= inner.first;
                    }
                    shape.last = if inner.nullable {
                        shape.last | inner.last
                    } else {
                        inner.last
                    };
                    shape.nullable &= inner.nullable;
                }
                shape
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(source: &str, vocabulary: &mut Vocabulary) -> Result<Pattern, PatternError> {
        let names = vec!["self".to_string()];
        let phrases = vec![vec![]];
        let common = vec![true];
        let classes = Classes {
            names: &names,
            phrases: &phrases,
            common: &common,
        };
        let common_words: Vec<WordId> = ["i", "to", "a"]
            .iter()
            .filter_map(|w| vocabulary.intern(w))
            .collect();
        Pattern::compile(source, vocabulary, &classes, &common_words)
    }

    fn hits(pattern: &Pattern, vocabulary: &Vocabulary, text: &str) -> bool {
        let mut words = Vec::new();
        text::scan(text, Mode::Read(vocabulary), |id| words.push(id));
        let me = vocabulary.lookup(b"me").map(|e| e.ids()[0]);
        pattern.matches(&words, |id| if Some(id) == me { 1 } else { 0 })
    }

    #[test]
    fn sequences_alternatives_options_and_gaps() {
        let mut vocabulary = Vocabulary::default();
        let pattern = compile("want to (die|be dead) really?", &mut vocabulary).unwrap();
        for yes in [
            "i want to die",
            "we want to be dead",
            "I WANT TO DIE really",
        ] {
            assert!(hits(&pattern, &vocabulary, yes), "{yes}");
        }
        for no in ["want to be", "want. to die", "want to really die"] {
            assert!(!hits(&pattern, &vocabulary, no), "{no}");
        }
        vocabulary.intern("me");
        let gap = compile("kill * @self", &mut vocabulary).unwrap();
        assert!(hits(&gap, &vocabulary, "kill her for me"));
        assert!(!hits(&gap, &vocabulary, "kill a b c d me"));
        let fever = compile("fever <temp>", &mut vocabulary).unwrap();
        assert!(hits(&fever, &vocabulary, "fever 39.5"));
        assert!(!hits(&fever, &vocabulary, "fever 37"));
    }

    #[test]
    fn bad_patterns_say_why() {
        let mut vocabulary = Vocabulary::default();
        for (source, why) in [
            ("(die", "unbalanced"),
            ("die)", "unbalanced"),
            ("die?", "no words at all"),
            ("i to", "distinctive"),
            ("@nobody", "not a class"),
            ("die *9", "gap"),
            ("<deg>", "unknown"),
            ("die. now", "sentence"),
            ("(a|)", "empty alternative"),
            (
                "die *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8 *8",
                "too large",
            ),
        ] {
            let err = compile(source, &mut vocabulary).unwrap_err();
            assert!(err.contains(why), "{source}: {err}");
        }
    }
}
