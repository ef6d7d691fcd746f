//! The framework score: one formula, used by the live posture (`query::posture`) and the
//! daily snapshots (`store::snapshots`) alike, so that the window, the CLI, the PDF and
//! the trend agree.
//!
//! Within a requirement, each Security Hub control that has findings there is a unit,
//! weighted by its severity; the findings that reach the requirement without a control
//! (threat detections, vulnerabilities, Config rules outside Security Hub) together form
//! one more unit of medium weight. A unit passes when none of its findings fails — a
//! failing finding that a valid risk acceptance covers counts as the acceptance says, as
//! passing. A requirement's score is the weighted share of its passing units; the
//! framework score is the mean of its automated requirements' scores, over those with
//! data, so each requirement weighs the same. Fixing any failing control raises it, a
//! critical control more than a low one.

use crate::model::Severity;

/// The formula in words a manager reads, shown wherever the score is.
pub const FORMULA: &str = "Score: for each requirement with findings, the share of its controls that pass, weighing critical controls 8, high 4, medium 2 and low or informational 1 (findings from outside Security Hub count together as one medium control; accepted risks count as passing); the score is the average over those requirements, each weighing the same. Requirements fully met: requirements with no failing finding. Control score: passed controls ÷ controls with findings, as Security Hub computes it.";

/// How much a unit of the given severity weighs in its requirement's score.
pub fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 8.0,
        Severity::High => 4.0,
        Severity::Medium => 2.0,
        _ => 1.0,
    }
}

/// The weight of a unit of a requirement: a control by its severity (see
/// [`control_severity`]), and "" — the findings without a control — [`OTHER_WEIGHT`].
pub fn unit_weight(
    catalog: &crate::catalog::Catalog,
    definitions: &std::collections::HashMap<String, crate::store::definitions::ControlDefinition>,
    control: &str,
) -> f64 {
    match control {
        "" => OTHER_WEIGHT,
        c => weight(control_severity(catalog, definitions, c)),
    }
}

/// The severity a control weighs with: the catalog's, else what Security Hub's own
/// definition says (a control the catalog does not know), else medium.
fn control_severity(
    catalog: &crate::catalog::Catalog,
    definitions: &std::collections::HashMap<String, crate::store::definitions::ControlDefinition>,
    control: &str,
) -> Severity {
    catalog
        .controls
        .get(control)
        .map(|c| c.severity)
        .or_else(|| {
            definitions
                .get(control)
                .and_then(|d| Severity::parse_label(&d.severity))
        })
        .unwrap_or(Severity::Medium)
}

/// The weight of the unit made of findings that reach a requirement without a control.
pub const OTHER_WEIGHT: f64 = 2.0;

/// One unit's findings within a requirement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitCounts {
    pub failed: u32,
    pub passed: u32,
    /// Failing findings a valid risk acceptance covers (not in `failed`).
    pub accepted: u32,
}

impl UnitCounts {
    /// `Some(true)` when the unit passes, `Some(false)` when it fails, `None` when it has
    /// no verdict (only warnings or findings without a status).
    pub fn verdict(self) -> Option<bool> {
        if self.failed > 0 {
            Some(false)
        } else if self.passed > 0 || self.accepted > 0 {
            Some(true)
        } else {
            None
        }
    }
}

/// A requirement's score, 0–1, from its units' `(weight, counts)`; `None` when no unit has
/// a verdict.
pub fn requirement_score(units: impl IntoIterator<Item = (f64, UnitCounts)>) -> Option<f64> {
    let (mut good, mut all) = (0.0, 0.0);
    for (w, c) in units {
        match c.verdict() {
            Some(true) => {
                good += w;
                all += w;
            }
            Some(false) => all += w,
            None => {}
        }
    }
    (all > 0.0).then(|| good / all)
}

/// The framework score, 0–1: the mean of the requirement scores given (`None` entries,
/// requirements without data, are left out); `None` when none has data.
pub fn framework_score(requirements: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0u32);
    for s in requirements.into_iter().flatten() {
        sum += s;
        n += 1;
    }
    (n > 0).then(|| sum / f64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(sev: Severity, failed: u32, passed: u32) -> (f64, UnitCounts) {
        (
            weight(sev),
            UnitCounts {
                failed,
                passed,
                accepted: 0,
            },
        )
    }

    #[test]
    fn a_requirement_scores_its_weighted_share_of_passing_units() {
        let s = requirement_score([unit(Severity::Critical, 1, 0), unit(Severity::Low, 0, 3)]).unwrap();
        assert!((s - 1.0 / 9.0).abs() < 1e-12);
        assert_eq!(requirement_score([unit(Severity::High, 0, 0)]), None);
        let accepted = UnitCounts {
            failed: 0,
            passed: 0,
            accepted: 2,
        };
        assert_eq!(requirement_score([(2.0, accepted)]), Some(1.0));
    }

    #[test]
    fn the_framework_score_is_the_mean_over_requirements_with_data() {
        assert_eq!(framework_score([Some(1.0), None, Some(0.5)]), Some(0.75));
        assert_eq!(framework_score([None, None]), None);
    }
}
