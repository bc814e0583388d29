//! Properties of grade conversion by grade distribution tables, over generated tables.

use microcred_model::grade_conversion::{ConversionPolicy, GradeDistribution, convert};
use proptest::prelude::*;

/// A table of 1 to 12 grades named `g0` (lowest pass) up, counts 0–500, someone graded.
fn tables() -> impl Strategy<Value = GradeDistribution> {
    prop::collection::vec(0u64..500, 1..12)
        .prop_filter("someone received a grade", |counts| {
            counts.iter().any(|&c| c > 0)
        })
        .prop_map(|counts| {
            GradeDistribution::new(
                counts
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (format!("g{i}"), c)),
            )
            .expect("a valid table")
        })
}

proptest! {
    /// Between two identical tables every grade that has a band converts to itself, whatever
    /// the policy.
    #[test]
    fn identical_tables_convert_every_grade_to_itself(table in tables()) {
        for (grade, count) in table.grades() {
            if count == 0 {
                prop_assert!(convert(grade, &table, &table, ConversionPolicy::Lowest).is_err());
                continue;
            }
            for policy in ConversionPolicy::ALL {
                let conversion = convert(grade, &table, &table, policy).unwrap();
                prop_assert_eq!(&conversion.grade, grade);
            }
        }
    }

    /// The candidates are neighbours in the target table, lowest first; their overlaps add up to
    /// the source grade's band; each policy picks one of them, lowest ≤ largest ≤ highest.
    #[test]
    fn candidates_cover_the_source_band(source in tables(), target in tables()) {
        let order: Vec<String> = target.grades().map(|(g, _)| g.to_owned()).collect();
        for (grade, count) in source.grades() {
            if count == 0 {
                continue;
            }
            let lowest = convert(grade, &source, &target, ConversionPolicy::Lowest).unwrap();
            let positions: Vec<usize> = lowest
                .candidates
                .iter()
                .map(|c| order.iter().position(|g| *g == c.grade).unwrap())
                .collect();
            prop_assert!(!positions.is_empty());
            prop_assert!(positions.windows(2).all(|w| w[1] > w[0]));
            let covered: f64 = lowest.candidates.iter().map(|c| c.overlap).sum();
            let width = lowest.source_band.to - lowest.source_band.from;
            prop_assert!((covered - width).abs() < 1e-6, "{} vs {}", covered, width);
            let rank = |policy| {
                let c = convert(grade, &source, &target, policy).unwrap();
                order.iter().position(|g| *g == c.grade).unwrap()
            };
            let (low, largest, high) = (
                rank(ConversionPolicy::Lowest),
                rank(ConversionPolicy::LargestOverlap),
                rank(ConversionPolicy::Highest),
            );
            prop_assert!(low <= largest && largest <= high);
        }
    }
}
