//! Seasonality label and selling window (DOMAIN §4.6).
//!
//! Keyword heuristics on title, categories and publisher come first. Where they find nothing
//! the AI is asked (`crate::assist`); without an answer the label is "Year-round" and
//! [`SeasonalitySource`] says why, so the row says which path produced it (§6.4 [REWRITE]: no
//! silent defaults). Keywords match on word boundaries: the original's substring test made
//! "chapter" and "map" AP textbooks (§8 item 24).

use serde::{Deserialize, Serialize};

use crate::assist::Unavailable;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Seasonality {
    TextbookSummer,
    TextbookWinter,
    HighSchoolAp,
    LawSchool,
    NursingSchool,
    MedicalSchool,
    CommunityCollege,
    Gardening,
    GrillingBbq,
    Christmas,
    NewYearFitness,
    TaxPrep,
    Travel,
    Halloween,
    Thanksgiving,
    RomanceValentines,
    YearRound,
}

/// Which path produced the label (`deals.seasonality_source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeasonalitySource {
    Keywords,
    /// No keyword matched; the AI answered with a label.
    Ai,
    /// No keyword matched and no provider is configured: Year-round (the non-AI path).
    Default,
    /// Year-round because the AI budget, the run's call cap or its time was used up.
    DefaultQuota,
    /// Year-round because the provider failed or answered with no label.
    DefaultError,
}

impl SeasonalitySource {
    /// The non-AI path taken because the AI could not answer.
    pub fn unanswered(reason: Unavailable) -> SeasonalitySource {
        match reason {
            Unavailable::NotConfigured => SeasonalitySource::Default,
            Unavailable::Quota => SeasonalitySource::DefaultQuota,
            Unavailable::Error => SeasonalitySource::DefaultError,
        }
    }
}

impl Seasonality {
    pub const ALL: [Seasonality; 17] = {
        use Seasonality::*;
        [
            TextbookSummer, TextbookWinter, HighSchoolAp, LawSchool, NursingSchool, MedicalSchool, CommunityCollege,
            Gardening, GrillingBbq, Christmas, NewYearFitness, TaxPrep, Travel, Halloween, Thanksgiving,
            RomanceValentines, YearRound,
        ]
    };

    /// The stored and displayed label (`Detailed_Seasonality`), also the AI's answer vocabulary.
    pub fn label(self) -> &'static str {
        use Seasonality::*;
        match self {
            TextbookSummer => "Textbook (Summer)",
            TextbookWinter => "Textbook (Winter)",
            HighSchoolAp => "High School AP Textbooks",
            LawSchool => "Law School",
            NursingSchool => "Nursing School",
            MedicalSchool => "Medical School",
            CommunityCollege => "Community College",
            Gardening => "Gardening",
            GrillingBbq => "Grilling/BBQ",
            Christmas => "Christmas",
            NewYearFitness => "New Year/Fitness",
            TaxPrep => "Tax Prep",
            Travel => "Travel",
            Halloween => "Halloween",
            Thanksgiving => "Thanksgiving",
            RomanceValentines => "Romance/Valentine's Day",
            YearRound => "Year-round",
        }
    }

    /// The label for an exact label string (how an AI answer is accepted, §4.6 step 5).
    pub fn from_label(label: &str) -> Option<Seasonality> {
        Seasonality::ALL.into_iter().find(|season| season.label() == label)
    }

    /// When such books sell (`Sells`, §4.6).
    pub fn sells_window(self) -> &'static str {
        use Seasonality::*;
        match self {
            TextbookSummer | HighSchoolAp => "Jul - Sep",
            TextbookWinter => "Jan - Feb",
            LawSchool => "Oct",
            NursingSchool | Gardening => "Mar - Apr",
            MedicalSchool => "Aug - Sep",
            CommunityCollege => "Sep - Oct & Jan - Feb",
            GrillingBbq => "May - Jun",
            Christmas => "Nov - Dec",
            NewYearFitness => "Jan",
            TaxPrep => "Jan - Apr",
            Travel => "May - Aug",
            Halloween => "Sep - Oct",
            Thanksgiving => "Nov",
            RomanceValentines => "Feb",
            YearRound => "All Year",
        }
    }
}

/// Publishers whose books are treated as college textbooks.
const TEXTBOOK_PUBLISHERS: [&str; 6] = ["cengage", "mcgraw-hill", "pearson", "wiley", "macmillan", "sage"];

/// §4.6 steps 1–5 without the AI: keyword label, else Year-round from the default path.
pub fn classify(title: &str, categories: &[String], publisher: &str) -> (Seasonality, SeasonalitySource) {
    match classify_by_keywords(title, &categories.join(" > "), publisher) {
        Some(season) => (season, SeasonalitySource::Keywords),
        None => (Seasonality::YearRound, SeasonalitySource::Default),
    }
}

/// The keyword heuristics, first match wins, in the order of §4.6 (`category` is the category
/// path joined with " > "); `None` when no keyword matches and the AI is to be asked.
pub fn classify_by_keywords(title: &str, category: &str, publisher: &str) -> Option<Seasonality> {
    use Seasonality::*;
    let (title, category, publisher) = (title.to_lowercase(), category.to_lowercase(), publisher.to_lowercase());
    let either = |word: &str| has_word(&title, word) || has_word(&category, word);
    let textbook_publisher = TEXTBOOK_PUBLISHERS.iter().any(|name| has_word(&publisher, name));

    let season = if has_word(&title, "ap") && (has_word(&category, "high school") || textbook_publisher) {
        HighSchoolAp
    } else if has_word(&title, "college") || has_word(&title, "university") || textbook_publisher {
        if !has_word(&title, "summer") && has_word(&title, "winter") { TextbookWinter } else { TextbookSummer }
    } else if has_word(&category, "law school") || has_word(&title, "bar exam") {
        LawSchool
    } else if has_word(&category, "nursing") || has_word(&title, "nclex") {
        NursingSchool
    } else if has_word(&category, "medical school") || has_word(&title, "mcat") {
        MedicalSchool
    } else if has_word(&category, "community college") {
        CommunityCollege
    } else if either("gardening") {
        Gardening
    } else if has_word(&category, "grilling") || has_word(&title, "bbq") || has_word(&title, "barbecue") {
        GrillingBbq
    } else if either("christmas") || (either("holiday") && either("gift")) {
        Christmas
    } else if either("new year") || either("fitness") || either("diet") || (either("self-help") && either("resolution")) {
        NewYearFitness
    } else if (either("tax") || either("taxes")) && (either("prep") || either("preparation") || either("guide")) {
        TaxPrep
    } else if either("travel") {
        Travel
    } else if either("halloween") {
        Halloween
    } else if either("thanksgiving") {
        Thanksgiving
    } else if has_word(&title, "valentine") || has_word(&title, "valentine's") || has_word(&category, "romance") {
        RomanceValentines
    } else {
        return None;
    };
    Some(season)
}

/// Whether `phrase` occurs in `text` with no letter or digit directly before or after it.
fn has_word(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(title: &str, category: &str, publisher: &str) -> &'static str {
        classify(title, &[category.to_owned()], publisher).0.label()
    }

    #[test]
    fn textbooks_by_title_or_publisher() {
        assert_eq!(label("College Physics", "Science", ""), "Textbook (Summer)");
        assert_eq!(label("Calculus", "Math", "Cengage Learning"), "Textbook (Summer)");
        assert_eq!(label("University Winter Term Reader", "", ""), "Textbook (Winter)");
        assert_eq!(label("College Summer and Winter Sessions", "", ""), "Textbook (Summer)");
    }

    #[test]
    fn ap_needs_the_word_not_the_letters() {
        assert_eq!(label("AP Biology Prep", "High School", ""), "High School AP Textbooks");
        assert_eq!(label("The Chapter Map", "High School", ""), "Year-round");
    }

    #[test]
    fn school_and_holiday_keywords() {
        assert_eq!(label("Bar Exam Essentials", "", ""), "Law School");
        assert_eq!(label("NCLEX-RN Review", "", ""), "Nursing School");
        assert_eq!(label("MCAT Biology", "", ""), "Medical School");
        assert_eq!(label("Vegetables", "Gardening & Horticulture", ""), "Gardening");
        assert_eq!(label("Weber's BBQ Bible", "", ""), "Grilling/BBQ");
        assert_eq!(label("Holiday Gift Crafts", "", ""), "Christmas");
        assert_eq!(label("Your Tax Guide 2024", "", ""), "Tax Prep");
        assert_eq!(label("A Book on Syntax Guide", "", ""), "Year-round", "\"syntax\" is not \"tax\"");
        assert_eq!(label("Paris", "Travel", ""), "Travel");
        assert_eq!(label("Love Stories", "Romance", ""), "Romance/Valentine's Day");
    }

    #[test]
    fn no_keyword_falls_back_to_year_round_and_says_so() {
        assert_eq!(classify("Moby Dick", &["Literature".to_owned()], "Penguin"), (Seasonality::YearRound, SeasonalitySource::Default));
        assert_eq!(classify("College Algebra", &[], "").1, SeasonalitySource::Keywords);
    }

    #[test]
    fn labels_round_trip_and_windows() {
        for season in Seasonality::ALL {
            assert_eq!(Seasonality::from_label(season.label()), Some(season));
        }
        assert_eq!(Seasonality::from_label("Summer"), None);
        assert_eq!(Seasonality::CommunityCollege.sells_window(), "Sep - Oct & Jan - Feb");
        assert_eq!(Seasonality::YearRound.sells_window(), "All Year");
    }
}
