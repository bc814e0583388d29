//! "Did you mean …?" for names people mistype: fields, vocabulary values, ids, profile names.

/// The candidate closest to `word`, if one is close enough to be what was meant.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_only_close_names() {
        assert_eq!(
            super::nearest("titel", ["id", "title", "typology"]),
            Some("title")
        );
        assert_eq!(super::nearest("zzz", ["id", "title"]), None);
    }
}
