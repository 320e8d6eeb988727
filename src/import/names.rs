//! The names a member would type for a subject, derived from how a publisher titles it.
//!
//! Publishers title pages for a table of contents: "Liver (Hepatocellular) Cancer", "Oral Cavity
//! and Oropharyngeal Cancer", "Transitional Cell Cancer of the Renal Pelvis and Ureter". Members
//! write "hepatocellular cancer", "oropharyngeal cancer", "transitional cell carcinoma of the
//! ureter", "RCC". This module owns turning one title into those variants by rules of English
//! naming (brackets, coordination, a shared head noun, cancer/carcinoma, initialisms). It only
//! proposes: the importer decides which names stay (a name two subjects could claim goes to
//! neither), and never reads or changes answer text.

use crate::matching::language::EverydayName;

/// Head nouns that a coordinated title shares: "Oral Cavity and Oropharyngeal Cancer" is oral
/// cavity cancer and oropharyngeal cancer.
const HEADS: &[&str] = &[
    "cancer",
    "cancers",
    "carcinoma",
    "carcinomas",
    "tumor",
    "tumors",
    "tumour",
    "tumours",
    "neoplasm",
    "neoplasms",
    "sarcoma",
    "sarcomas",
    "lymphoma",
    "lymphomas",
    "leukemia",
    "leukemias",
    "syndrome",
    "syndromes",
    "disease",
    "diseases",
    "disorder",
    "disorders",
];

/// Endings of a word that names a disease by itself ("thymoma", "osteosarcoma", "leukemia",
/// "myelofibrosis"): a conjunct that ends with one needs no shared head.
const DISEASE_ENDINGS: &[&str] = &["oma", "omas", "emia", "aemia", "osis", "itis"];

/// Whether `word` ends a name by itself: a head noun, or a word with a disease's ending.
fn ends_a_name(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    HEADS.contains(&lower.as_str())
        || DISEASE_ENDINGS
            .iter()
            .any(|ending| lower.len() > ending.len() + 2 && lower.ends_with(ending))
}

/// An eponym that names its subject alone: "Hodgkin Lymphoma" is "Hodgkin('s)", "Kaposi
/// Sarcoma" "Kaposi('s)". Only a two-word title of a capitalised word and a head noun, and only
/// when `is_word` says the capitalised word is no ordinary word ("Breast Cancer" is not
/// "breast").
pub fn eponym(title: &str, is_word: impl Fn(&str) -> bool) -> Option<String> {
    let (first, head) = title.split_once(' ')?;
    if head.contains(' ') || !HEADS.contains(&head.to_ascii_lowercase().as_str()) {
        return None;
    }
    let capitalised = first.chars().next().is_some_and(char::is_uppercase);
    let last_piece = first.rsplit('-').next().unwrap_or(first).to_lowercase();
    (capitalised && last_piece.chars().count() >= 4 && !is_word(&last_piece))
        .then(|| first.to_string())
}

/// Words that join or introduce names and are no part of any one of them.
const JOINERS: &[&str] = &["and", "or", "other", "the", "including", "includes"];

/// Words skipped when making an initialism: "Cancer of the Renal Pelvis" is not "COTRP".
const NOT_INITIALS: &[&str] = &["and", "or", "of", "the", "with", "in", "other", "for", "to"];

/// Every variant of `title` a member might type, the title's own spelling first. Variants may
/// repeat; the caller deduplicates by normalised key.
pub fn variants(title: &str) -> Vec<String> {
    let mut out = vec![title.to_string()];
    let mut bases = vec![without_brackets(title)];
    bases.extend(bracket_substitutions(title));
    // As the publisher writes it in its questions: "What causes Gum (Periodontal) Disease?".
    if title.contains('(') {
        bases.push(tidy(&title.replace(['(', ')'], " ")));
    }
    for base in bases {
        out.push(base.clone());
        out.extend(coordinated_parts(&base));
    }
    // "Primary Myelofibrosis" is what members call myelofibrosis; "Adult Primary Liver Cancer"
    // (once its audience is read apart) liver cancer.
    let unqualified: Vec<String> = out
        .iter()
        .filter_map(|name| {
            let (first, rest) = name.split_once(' ')?;
            first
                .eq_ignore_ascii_case("primary")
                .then(|| rest.to_string())
        })
        .collect();
    out.extend(unqualified);
    let swapped: Vec<String> = out.iter().filter_map(|name| cancer_swapped(name)).collect();
    out.extend(swapped);
    let located: Vec<String> = out.iter().filter_map(|name| in_the_place(name)).collect();
    out.extend(located);
    out.retain(|name| !name.is_empty());
    out
}

/// A name of a disease "of the" one place, split there: "Transitional Cell Cancer of the
/// Ureter" is ("Transitional Cell Cancer", "Ureter"). Coordinated places are split into names of
/// their own first, and are not one place.
fn thing_and_place(name: &str) -> Option<(&str, &str)> {
    let at = name.to_ascii_lowercase().find(" of the ")?;
    let (thing, place) = (&name[..at], &name[at + " of the ".len()..]);
    let head = thing.rsplit(' ').next()?;
    let coordinated = [" and ", " or ", ","]
        .iter()
        .any(|joiner| place.to_ascii_lowercase().contains(joiner));
    (HEADS.contains(&head.to_ascii_lowercase().as_str()) && !coordinated).then_some((thing, place))
}

/// "Cancer of the Liver" is also "cancer in the liver", and "Tumors of the Brain" "tumors in
/// the brain": a disease named by where it is.
fn in_the_place(name: &str) -> Option<String> {
    let (thing, place) = thing_and_place(name)?;
    Some(format!("{thing} in the {place}"))
}

/// The kind of disease and its place, without the cells it starts in: "Transitional Cell
/// Cancer of the Ureter" is "cancer of the ureter" and "ureter cancer" to members. A weaker
/// name than the title's own: a subject titled "Ureter Cancer" would keep it.
pub fn by_place(name: &str) -> Vec<String> {
    let Some((thing, place)) = thing_and_place(name) else {
        return Vec::new();
    };
    // "Cancer of the Ureter" names no cells to leave out.
    let Some((_, head)) = thing.rsplit_once(' ') else {
        return Vec::new();
    };
    vec![
        format!("{head} of the {place}"),
        format!("{head} in the {place}"),
        format!("{place} {head}"),
    ]
}

/// A tumour's name without a word for how it behaves: "Multiple Myeloma" is "myeloma" to
/// members, "Malignant Mesothelioma" "mesothelioma". The importer keeps it only where no other
/// subject claims it as strongly.
pub fn lone_disease(name: &str) -> Option<String> {
    let (first, last) = name.split_once(' ')?;
    let lower = last.to_ascii_lowercase();
    // Only a word that says how a tumour behaves, not which kind it is: "Brain Stem Glioma" is
    // not all gliomas, nor "Multiple Sclerosis" all sclerosis.
    let how_it_behaves = ["multiple", "malignant"].contains(&first.to_ascii_lowercase().as_str());
    let tumour = !HEADS.contains(&lower.as_str())
        && last.chars().all(char::is_alphabetic)
        && (lower.ends_with("oma") || lower.ends_with("omas"));
    (how_it_behaves && tumour).then(|| last.to_string())
}

/// `name` with a publisher's word for a part of the body put in members' words, by the
/// language's table: "Laryngeal Cancer" -> "Larynx Cancer", "Voice Box Cancer", and, for a
/// name of that word and a head noun, "Cancer of the Larynx", "Cancer of the Voice Box".
pub fn in_everyday_words(name: &str, table: &[EverydayName]) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|word| word.to_lowercase()).collect();
    // Where each entry's word stands; one inside a longer entry's ("oral" in "oral cavity")
    // is left to the longer.
    let found: Vec<(usize, usize, &EverydayName)> = table
        .iter()
        .filter_map(|entry| {
            let formal: Vec<&str> = entry.formal.split_whitespace().collect();
            if formal.is_empty() || formal.len() > words.len() {
                return None;
            }
            (0..=words.len() - formal.len())
                .find(|&at| (0..formal.len()).all(|i| lower[at + i] == formal[i]))
                .map(|at| (at, at + formal.len(), entry))
        })
        .collect();
    let mut out = Vec::new();
    for &(start, end, entry) in &found {
        let inside_longer = found.iter().any(|&(other_start, other_end, _)| {
            other_end - other_start > end - start && other_start <= start && end <= other_end
        });
        if inside_longer {
            continue;
        }
        let before = words[..start].join(" ");
        let after = words[end..].join(" ");
        for everyday in &entry.everyday {
            let everyday = title_case(everyday);
            let renamed = tidy(&format!("{before} {everyday} {after}"));
            // "Liver (Hepatocellular) Cancer" read as "Liver Liver Cancer" says nothing new.
            let repeats = renamed
                .split(' ')
                .zip(renamed.split(' ').skip(1))
                .any(|(a, b)| a.eq_ignore_ascii_case(b));
            if repeats {
                continue;
            }
            out.push(renamed);
            // "Brain Germ Cell Tumors" is "germ cell tumors of the brain"; "Renal Cell Cancer"
            // names the cells, not where they are.
            let of_the_place = !after.contains(',')
                && !after.to_ascii_lowercase().starts_with("cell")
                && after.rsplit(' ').next().is_some_and(ends_a_name);
            if start == 0 && of_the_place {
                out.push(tidy(&format!("{after} of the {everyday}")));
            }
        }
    }
    out
}

/// Each word with a capital first letter, the rest as written ("GI" stays "GI").
fn title_case(words: &str) -> String {
    words
        .split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parts of a title in brackets, as names of their own: "Bile Duct Cancer
/// (Cholangiocarcinoma)" is also "Cholangiocarcinoma"; "(Including Multiple Myeloma)" is
/// "Multiple Myeloma".
pub fn bracketed(title: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = title;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|offset| open + offset) else {
            break;
        };
        let inside = tidy(&rest[open + 1..close]);
        let words: Vec<&str> = inside
            .split(' ')
            .skip_while(|word| JOINERS.contains(&word.to_ascii_lowercase().as_str()))
            .collect();
        if !words.is_empty() {
            parts.push(words.join(" "));
        }
        rest = &rest[close + 1..];
    }
    parts
}

/// The title with its bracketed parts left out: "Chronic Lymphocytic Leukemia (CLL)" ->
/// "Chronic Lymphocytic Leukemia".
pub fn without_brackets(title: &str) -> String {
    let mut outside = String::new();
    let mut rest = title;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|offset| open + offset) else {
            break;
        };
        outside.push_str(&rest[..open]);
        outside.push(' ');
        rest = &rest[close + 1..];
    }
    outside.push_str(rest);
    tidy(&outside)
}

/// A bracket that renames the word before it: "Liver (Hepatocellular) Cancer" is also
/// "Hepatocellular Cancer", "Intraocular (Uveal) Melanoma" also "Uveal Melanoma".
fn bracket_substitutions(title: &str) -> Vec<String> {
    let Some(open) = title.find('(') else {
        return Vec::new();
    };
    let Some(close) = title[open..].find(')').map(|offset| open + offset) else {
        return Vec::new();
    };
    let before = title[..open].trim_end();
    let inside = title[open + 1..close].trim();
    let after = title[close + 1..].trim();
    // Only a bracket inside a name renames a word of it; one at the end is a second name.
    if before.is_empty() || after.is_empty() || inside.split_whitespace().count() > 2 {
        return Vec::new();
    }
    let kept = before.rsplit_once(' ').map_or("", |(kept, _)| kept);
    vec![tidy(&format!(
        "{kept} {inside} {}",
        without_brackets(after)
    ))]
}

/// The names a coordinated title joins: "Oral Cavity and Oropharyngeal Cancer" -> "Oral Cavity
/// Cancer", "Oropharyngeal Cancer"; "Wilms Tumor and Other Childhood Kidney Tumors" -> "Wilms
/// Tumor", "Childhood Kidney Tumors"; "Transitional Cell Cancer of the Renal Pelvis and Ureter"
/// -> "... of the Renal Pelvis", "... of the Ureter".
fn coordinated_parts(name: &str) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    // Commas alone do not coordinate: "Neoplasm, Unclassifiable" and "Agammaglobulinemia,
    // non-Bruton type" are one name each.
    if !lower.contains(" and ") && !lower.contains(" or ") {
        return Vec::new();
    }
    // "X of the A and B": the places are coordinated, the thing is shared.
    if let Some(at) = lower.find(" of ") {
        let (thing, places) = (&name[..at], &name[at + 4..]);
        let article = if places.to_ascii_lowercase().starts_with("the ") {
            "the "
        } else {
            ""
        };
        let places = &places[article.len()..];
        let parts = conjuncts(places);
        if parts.len() > 1 {
            return parts
                .into_iter()
                .map(|place| tidy(&format!("{thing} of {article}{place}")))
                .collect();
        }
        // "Osteosarcoma and Malignant Fibrous Histiocytoma of Bone": the things are
        // coordinated, and one that is a disease's name by itself stands alone too.
        let things = conjuncts(thing);
        if things.len() < 2 {
            return Vec::new();
        }
        return things
            .into_iter()
            .flat_map(|part| {
                let alone = part
                    .rsplit(' ')
                    .next()
                    .is_some_and(ends_a_name)
                    .then(|| part.clone());
                std::iter::once(tidy(&format!("{part} of {article}{places}"))).chain(alone)
            })
            .collect();
    }
    let parts = conjuncts(name);
    if parts.len() < 2 {
        return Vec::new();
    }
    // "Mycosis Fungoides and the Sezary Syndrome": a name with an article is a name of its
    // own, not a shared head.
    let last_is_named = name
        .to_ascii_lowercase()
        .rsplit_once(" and ")
        .is_some_and(|(_, last)| last.starts_with("the "));
    let head = parts
        .last()
        .filter(|_| !last_is_named)
        .and_then(|last| last.rsplit(' ').next())
        .filter(|word| HEADS.contains(&word.to_ascii_lowercase().as_str()))
        .map(str::to_string);
    parts
        .iter()
        .map(|part| {
            let ends_with_head = part.rsplit(' ').next().is_some_and(ends_a_name);
            match &head {
                Some(head) if !ends_with_head => tidy(&format!("{part} {head}")),
                _ => part.clone(),
            }
        })
        .collect()
}

/// Splits "A, B, and C" / "A and the B" / "A or B" into "A", "B", "C".
fn conjuncts(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for raw in text.split_whitespace() {
        let comma = raw.ends_with(',');
        let word = raw.trim_end_matches(',');
        let lower = word.to_ascii_lowercase();
        if lower == "and" || lower == "or" {
            if !current.is_empty() {
                parts.push(current.join(" "));
                current.clear();
            }
            continue;
        }
        if current.is_empty() && JOINERS.contains(&lower.as_str()) {
            continue;
        }
        current.push(word);
        if comma {
            parts.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        parts.push(current.join(" "));
    }
    parts
}

/// "Renal Cell Cancer" is also written "Renal Cell Carcinoma", and the other way round.
fn cancer_swapped(name: &str) -> Option<String> {
    let mut swapped = false;
    let words: Vec<&str> = name
        .split(' ')
        .map(|word| match word.to_ascii_lowercase().as_str() {
            "cancer" if !swapped => {
                swapped = true;
                "Carcinoma"
            }
            "carcinoma" if !swapped => {
                swapped = true;
                "Cancer"
            }
            _ => word,
        })
        .collect();
    swapped.then(|| words.join(" "))
}

/// The audience a title is written for, by its first word, and the title without it:
/// "Childhood Ependymoma" -> ("children", "Ependymoma"). The ids are those of the shipped
/// language file's audiences.
pub fn audience(title: &str) -> Option<(&'static str, &str)> {
    let (first, rest) = title.trim().split_once(' ')?;
    let audience = match first.to_ascii_lowercase().as_str() {
        "childhood" | "pediatric" | "paediatric" => "children",
        "adult" => "adults",
        _ => return None,
    };
    let rest = rest.trim();
    (!rest.is_empty()).then_some((audience, rest))
}

/// The initials of a name of three to six words, as members abbreviate it: "Non-Small Cell
/// Lung Cancer" -> "NSCLC", "Renal Cell Cancer" -> "RCC". Hyphens part words.
pub fn initialism(name: &str) -> Option<String> {
    let initials = initialism_of_any_length(name)?;
    (3..=6).contains(&initials.len()).then_some(initials)
}

/// The initials of a name of any length (words such as "of" and "the" skipped).
pub fn initialism_of_any_length(name: &str) -> Option<String> {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|word| !word.is_empty())
        .filter(|word| !NOT_INITIALS.contains(&word.to_ascii_lowercase().as_str()))
        .collect();
    if words.is_empty() {
        return None;
    }
    let letters: Option<String> = words
        .iter()
        .map(|word| {
            word.chars()
                .next()
                .filter(char::is_ascii_alphabetic)
                .map(|c| c.to_ascii_uppercase())
        })
        .collect();
    letters
}

/// Abbreviations a text defines, with the words before each (at most eight): "patients with
/// chronic myelogenous leukemia (CML) may" -> (["patients", "with", "chronic", "myelogenous",
/// "leukemia"], "CML"). The caller finds which name those words end with.
pub fn abbreviation_definitions(text: &str) -> Vec<(Vec<String>, String)> {
    const MAX_WORDS: usize = 8;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find(" (") {
        let open = from + offset;
        from = open + 2;
        let Some(abbreviation) = abbreviation_at(&text[from..]) else {
            continue;
        };
        // The words since the last sentence or clause mark.
        let before = &text[..open];
        let start = before
            .rfind(['.', '(', ')', ';', ':', ',', '\n'])
            .map_or(0, |at| at + 1);
        let words: Vec<String> = before[start..]
            .split_whitespace()
            .rev()
            .take(MAX_WORDS)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(str::to_string)
            .collect();
        if !words.is_empty() {
            found.push((words, abbreviation));
        }
    }
    found
}

/// The abbreviation that `rest` opens with, as a publisher writes one in brackets after a
/// name: two to eight letters, digits or dashes, at least two capitals and no lower case,
/// closed by `)`, `;` or `,` ("CLL)", "NSCLC;").
pub fn abbreviation_at(rest: &str) -> Option<String> {
    let abbreviation: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let next = rest[abbreviation.len()..].chars().next();
    let capitals = abbreviation
        .chars()
        .filter(char::is_ascii_uppercase)
        .count();
    ((2..=8).contains(&abbreviation.len())
        && capitals >= 2
        && !abbreviation.chars().any(|c| c.is_ascii_lowercase())
        && matches!(next, Some(')' | ';' | ',')))
    .then_some(abbreviation)
}

fn tidy(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches([',', ' '])
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(names: &[String], wanted: &str) -> bool {
        names.iter().any(|name| name == wanted)
    }

    fn everyday(formal: &str, words: &[&str]) -> EverydayName {
        EverydayName {
            formal: formal.into(),
            everyday: words.iter().map(|&word| word.into()).collect(),
        }
    }

    #[test]
    fn brackets_give_the_name_without_them_and_the_renamed_word() {
        let names = variants("Liver (Hepatocellular) Cancer");
        assert!(has(&names, "Liver Cancer"), "{names:?}");
        assert!(has(&names, "Hepatocellular Cancer"), "{names:?}");
        assert!(has(&names, "Hepatocellular Carcinoma"), "{names:?}");
        assert!(has(&names, "Liver Hepatocellular Cancer"), "{names:?}");
        assert_eq!(
            bracketed("Plasma Cell Neoplasms (Including Multiple Myeloma)"),
            ["Multiple Myeloma"]
        );
        assert_eq!(
            bracketed("Bile Duct Cancer (Cholangiocarcinoma)"),
            ["Cholangiocarcinoma"]
        );
    }

    #[test]
    fn coordinated_titles_give_each_name_with_the_shared_head() {
        let names = variants("Oral Cavity and Oropharyngeal Cancer");
        assert!(has(&names, "Oral Cavity Cancer"), "{names:?}");
        assert!(has(&names, "Oropharyngeal Cancer"), "{names:?}");
        let names = variants("Ovarian Epithelial, Fallopian Tube, and Primary Peritoneal Cancer");
        assert!(has(&names, "Fallopian Tube Cancer"), "{names:?}");
        assert!(has(&names, "Primary Peritoneal Cancer"), "{names:?}");
        let names = variants("Wilms Tumor and Other Childhood Kidney Tumors");
        assert!(has(&names, "Wilms Tumor"), "{names:?}");
        assert!(has(&names, "Childhood Kidney Tumors"), "{names:?}");
        let names = variants("Transitional Cell Cancer of the Renal Pelvis and Ureter");
        assert!(
            has(&names, "Transitional Cell Cancer of the Ureter"),
            "{names:?}"
        );
        assert!(
            has(&names, "Transitional Cell Carcinoma of the Renal Pelvis"),
            "{names:?}"
        );
        let names = variants("Mycosis Fungoides and the Sezary Syndrome");
        assert!(has(&names, "Sezary Syndrome"), "{names:?}");
        assert!(has(&names, "Mycosis Fungoides"), "{names:?}");
        let names = variants("Myelodysplastic/ Myeloproliferative Neoplasm, Unclassifiable");
        assert!(!has(&names, "Unclassifiable"), "{names:?}");
    }

    #[test]
    fn a_conjunct_that_names_a_disease_by_itself_stands_alone() {
        let names = variants("Thymoma and Thymic Carcinoma");
        assert!(has(&names, "Thymoma"), "{names:?}");
        assert!(has(&names, "Thymic Carcinoma"), "{names:?}");
        assert!(!has(&names, "Thymoma Carcinoma"), "{names:?}");
        let names = variants("Osteosarcoma and Malignant Fibrous Histiocytoma of Bone");
        assert!(has(&names, "Osteosarcoma"), "{names:?}");
        assert!(has(&names, "Osteosarcoma of Bone"), "{names:?}");
        assert!(
            has(&names, "Malignant Fibrous Histiocytoma of Bone"),
            "{names:?}"
        );
        // A word too short to carry the ending is no disease's name: "coma", "soma".
        assert!(!ends_a_name("soma"));
    }

    #[test]
    fn body_parts_in_members_words() {
        let table = [
            everyday("laryngeal", &["larynx", "voice box"]),
            everyday("small intestine", &["small bowel"]),
        ];
        let names = in_everyday_words("Laryngeal Cancer", &table);
        assert_eq!(
            names,
            [
                "Larynx Cancer",
                "Cancer of the Larynx",
                "Voice Box Cancer",
                "Cancer of the Voice Box"
            ]
        );
        let names = in_everyday_words("Childhood Small Intestine Cancer", &table);
        assert_eq!(names, ["Childhood Small Bowel Cancer"]);
        let table = [
            everyday("oral", &["mouth"]),
            everyday("oral cavity", &["mouth"]),
            everyday("hepatocellular", &["liver"]),
        ];
        assert_eq!(
            in_everyday_words("Lip and Oral Cavity Cancer", &table),
            ["Lip and Mouth Cancer"]
        );
        assert!(in_everyday_words("Liver Hepatocellular Cancer", &table).is_empty());
        assert!(in_everyday_words("Breast Cancer", &table).is_empty());
    }

    #[test]
    fn a_place_in_the_name_is_named_as_members_do() {
        let names = variants("Cancer of the Liver");
        assert!(has(&names, "Cancer in the Liver"), "{names:?}");
        // Coordinated places become names of their own first; "Ureter" alone is no name.
        let names = variants("Transitional Cell Cancer of the Renal Pelvis and Ureter");
        assert!(
            has(&names, "Transitional Cell Cancer in the Ureter"),
            "{names:?}"
        );
        assert!(!has(&names, "Ureter"), "{names:?}");
        // Nor once the importer reads the variants again (in members' words).
        let again: Vec<String> = names.iter().flat_map(|name| variants(name)).collect();
        assert!(!has(&again, "Ureter"), "{again:?}");
        assert_eq!(
            by_place("Transitional Cell Cancer of the Ureter"),
            [
                "Cancer of the Ureter",
                "Cancer in the Ureter",
                "Ureter Cancer"
            ]
        );
        assert!(by_place("Cancer of the Ureter").is_empty());
        assert!(by_place("Transitional Cell Cancer of the Renal Pelvis and Ureter").is_empty());
        assert!(by_place("Osteosarcoma of Bone").is_empty());

        let table = [
            everyday("central nervous system", &["brain"]),
            everyday("renal", &["kidney"]),
        ];
        let names = in_everyday_words("Central Nervous System Germ Cell Tumors", &table);
        assert!(has(&names, "Germ Cell Tumors of the Brain"), "{names:?}");
        // "Renal Cell Cancer" names the cells, not where they are.
        let names = in_everyday_words("Renal Cell Cancer", &table);
        assert_eq!(names, ["Kidney Cell Cancer"]);
    }

    #[test]
    fn a_tumour_without_the_word_for_how_it_behaves() {
        assert_eq!(lone_disease("Multiple Myeloma").as_deref(), Some("Myeloma"));
        assert_eq!(
            lone_disease("Malignant Mesothelioma").as_deref(),
            Some("Mesothelioma")
        );
        // A word for which kind it is stays: not every glioma is a brain stem glioma.
        assert_eq!(lone_disease("Brain Stem Glioma"), None);
        assert_eq!(lone_disease("Pilocytic Astrocytoma"), None);
        // Nor every sclerosis multiple sclerosis, nor every lymphoma a malignant one.
        assert_eq!(lone_disease("Multiple Sclerosis"), None);
        assert_eq!(lone_disease("Malignant Lymphoma"), None);
    }

    #[test]
    fn primary_is_left_out_as_members_do() {
        assert!(has(&variants("Primary Myelofibrosis"), "Myelofibrosis"));
        let names = variants("Primary Liver Cancer");
        assert!(has(&names, "Liver Cancer"), "{names:?}");
        assert!(has(&names, "Liver Carcinoma"), "{names:?}");
    }

    #[test]
    fn abbreviations_come_with_the_words_before_them() {
        let found = abbreviation_definitions(
            "Signs of chronic myelogenous leukemia (CML) include fever. Also myelodysplastic syndromes (MDS); and (not this).",
        );
        let shown: Vec<(String, &str)> = found
            .iter()
            .map(|(words, abbreviation)| (words.join(" "), abbreviation.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("Signs of chronic myelogenous leukemia".to_string(), "CML"),
                ("Also myelodysplastic syndromes".to_string(), "MDS"),
            ]
        );
    }

    #[test]
    fn eponyms_name_their_subject_alone() {
        let ordinary = |word: &str| ["breast", "skin"].contains(&word);
        assert_eq!(
            eponym("Hodgkin Lymphoma", ordinary).as_deref(),
            Some("Hodgkin")
        );
        assert_eq!(
            eponym("Non-Hodgkin Lymphoma", ordinary).as_deref(),
            Some("Non-Hodgkin")
        );
        assert_eq!(eponym("Breast Cancer", ordinary), None);
        assert_eq!(eponym("Merkel Cell Carcinoma", ordinary), None);
    }

    #[test]
    fn initialisms_of_three_to_six_words() {
        assert_eq!(
            initialism("Non-Small Cell Lung Cancer").as_deref(),
            Some("NSCLC")
        );
        assert_eq!(initialism("Renal Cell Cancer").as_deref(), Some("RCC"));
        assert_eq!(initialism("Melanoma"), None);
        assert_eq!(initialism("Breast Cancer"), None);
    }
}
