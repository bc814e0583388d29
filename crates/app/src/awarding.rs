//! What the issuing paths share once the model's [`AwardRule`] has decided an award: the
//! awarding bodies as credentials name them.

use microcred_credentials::open_badges::IssuerProfile;
use microcred_model::{Alliance, AwardingBody, Catalogue};

/// The alliance awards, and nothing describes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the alliance awards this specification, but the alliance is not described (no name)")]
pub struct AllianceUndescribed;

/// How the issuing path names an awarding body beyond what the catalogue says.
pub struct ProfileExtras {
    /// The body's DID: the controller of its signing key.
    pub id: String,
    /// Its logo's URL, if it has one.
    pub image: Option<String>,
    /// The alliance's web address (the platform's), where the alliance awards.
    pub alliance_url: Option<String>,
}

/// An awarding body's issuer profile: a university's name, country and homepage from the
/// catalogue; the alliance's name and seat from its description.
pub fn issuer_profile(
    body: &AwardingBody,
    catalogue: &Catalogue,
    alliance: Option<&Alliance>,
    extras: ProfileExtras,
) -> Result<IssuerProfile, AllianceUndescribed> {
    Ok(match body {
        AwardingBody::University(id) => {
            let university = catalogue.university(id);
            IssuerProfile {
                id: extras.id,
                name: university
                    .map(|u| u.display_name().to_owned())
                    .unwrap_or_else(|| id.to_string()),
                country: university.map(|u| u.country),
                url: university.and_then(|u| u.homepage.clone()),
                image: extras.image,
            }
        }
        AwardingBody::Alliance => {
            let alliance = alliance.ok_or(AllianceUndescribed)?;
            IssuerProfile {
                id: extras.id,
                name: alliance.name.en().to_owned(),
                country: alliance.country,
                url: extras.alliance_url,
                image: extras.image,
            }
        }
    })
}
