//! Logos of the alliance and its universities: shown on printed certificates and verification
//! pages, and named as the issuer's `image` in the credentials they issue. PNG or JPEG only
//! (an SVG can carry scripts), checked by their bytes, at most `MAX_LOGO_BYTES` and
//! `MAX_LOGO_SIDE` pixels a side, so that printing never meets a decompression bomb.

use serde::Serialize;

use microcred_store::accounts::Account;
use microcred_store::universities::{self, ImageKind, StoredImage};

use super::views::Image;
use microcred_store::{audit, now};

use super::alliance::ALLIANCE;
use super::authz::{self, Action};
use super::{Platform, PlatformError, Problem, Result};

/// Largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// Largest width or height accepted, in pixels.
pub const MAX_LOGO_SIDE: u32 = 4096;

/// A logo's format and size, read from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    /// `image/png` or `image/jpeg`.
    pub media_type: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// What a stored logo is, and where it is served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogoInfo {
    /// Where it is served.
    pub url: String,
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
}

/// A stored signature image (not served: it is printed, never handed out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureInfo {
    /// The signatory.
    pub signatory: String,
    /// Their university.
    pub university: String,
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
}

/// Reads the format and size of a PNG or JPEG image from its bytes.
pub fn image_facts(bytes: &[u8]) -> std::result::Result<ImageFacts, String> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(PNG) {
        // The first chunk is IHDR: width and height, big-endian, at bytes 16 and 20.
        if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
            return Err("a PNG file without its header chunk: the file is cut short".into());
        }
        let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        return Ok(ImageFacts {
            media_type: "image/png",
            width,
            height,
        });
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return jpeg_size(bytes).map(|(width, height)| ImageFacts {
            media_type: "image/jpeg",
            width,
            height,
        });
    }
    Err("neither a PNG nor a JPEG image (an SVG is not accepted: it can carry scripts)".into())
}

/// The size in a JPEG's start-of-frame segment, found by walking the segments.
fn jpeg_size(bytes: &[u8]) -> std::result::Result<(u32, u32), String> {
    let cut = || "a JPEG file without its frame header: the file is cut short".to_string();
    let mut at = 2;
    loop {
        if bytes.get(at) != Some(&0xff) {
            return Err(if at >= bytes.len() {
                cut()
            } else {
                format!("a JPEG file with a broken segment at byte {at}")
            });
        }
        // Markers may be padded with 0xFF bytes.
        while bytes.get(at) == Some(&0xff) {
            at += 1;
        }
        let marker = *bytes.get(at).ok_or_else(cut)?;
        at += 1;
        if marker == 0xd8 || marker == 0x01 || (0xd0..=0xd7).contains(&marker) {
            continue; // markers without a length
        }
        if marker == 0xd9 || marker == 0xda {
            return Err(cut()); // end of image or start of scan before any frame header
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at).ok_or_else(cut)?,
            *bytes.get(at + 1).ok_or_else(cut)?,
        ]));
        let start_of_frame =
            (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker);
        if start_of_frame {
            let segment = bytes.get(at..at + 7).ok_or_else(cut)?;
            let height = u32::from(u16::from_be_bytes([segment[3], segment[4]]));
            let width = u32::from(u16::from_be_bytes([segment[5], segment[6]]));
            return Ok((width, height));
        }
        if length < 2 {
            return Err("a JPEG segment with an impossible length".into());
        }
        at += length;
    }
}

/// Checks an uploaded logo or signature: PNG or JPEG by its bytes, as declared, within the
/// limits. `title` says what is refused.
pub(crate) fn checked_image(
    title: &str,
    declared: Option<&str>,
    bytes: &[u8],
) -> Result<ImageFacts> {
    let refused = |path: &str, message: String| {
        PlatformError::invalid(title, vec![Problem::new(path, message)])
    };
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(refused(
            "body",
            format!(
                "{} bytes: an image may have at most {MAX_LOGO_BYTES}",
                bytes.len()
            ),
        ));
    }
    let facts = image_facts(bytes).map_err(|e| refused("body", e))?;
    if let Some(declared) = declared
        && declared != facts.media_type
    {
        return Err(refused(
            "Content-Type",
            format!(
                "says {declared}, but the bytes are {}: send it as {}",
                facts.media_type, facts.media_type
            ),
        ));
    }
    if facts.width == 0
        || facts.height == 0
        || facts.width > MAX_LOGO_SIDE
        || facts.height > MAX_LOGO_SIDE
    {
        return Err(refused(
            "body",
            format!(
                "{}×{} pixels: each side must be 1 to {MAX_LOGO_SIDE}",
                facts.width, facts.height
            ),
        ));
    }
    Ok(facts)
}

impl Platform {
    /// Sets the logo of a university (its registrars or an administrator) or of the alliance
    /// (an administrator). `declared` is the Content-Type it was sent with, if any.
    pub async fn set_logo(
        &self,
        actor: &Account,
        owner: &str,
        declared: Option<&str>,
        bytes: &[u8],
    ) -> Result<LogoInfo> {
        authz::may(
            actor,
            if owner == ALLIANCE {
                Action::AdministerAlliance
            } else {
                Action::DescribeUniversity { university: owner }
            },
        )?;
        let facts = checked_image("the logo is not accepted", declared, bytes)?;
        let mut tx = self.store.begin().await?;
        let exists = if owner == ALLIANCE {
            universities::alliance(&mut tx).await?.is_some()
        } else {
            universities::get(&mut tx, owner).await?.is_some()
        };
        if !exists {
            return Err(PlatformError::NotFound(if owner == ALLIANCE {
                "the alliance (describe it first)".into()
            } else {
                format!("university `{owner}`")
            }));
        }
        let logo = StoredImage {
            owner: owner.to_owned(),
            media_type: facts.media_type.to_owned(),
            image: bytes.to_vec(),
            width: i64::from(facts.width),
            height: i64::from(facts.height),
            updated_at: now(),
        };
        universities::set_image(&mut tx, ImageKind::Logo, &logo).await?;
        let subject = if owner == ALLIANCE {
            ALLIANCE.to_owned()
        } else {
            format!("university:{owner}")
        };
        audit::append(
            &mut tx,
            &actor.id,
            "logo.set",
            &subject,
            &serde_json::json!({ "media_type": logo.media_type, "bytes": bytes.len(), "width": logo.width, "height": logo.height }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(LogoInfo {
            url: self.config.logo_url(owner),
            media_type: logo.media_type,
            width: logo.width,
            height: logo.height,
        })
    }

    /// Sets the image of a signatory's handwritten signature, printed above their name (a
    /// registrar of the signatory's university, or an administrator).
    pub async fn set_signature(
        &self,
        actor: &Account,
        university: &str,
        signatory: &str,
        declared: Option<&str>,
        bytes: &[u8],
    ) -> Result<SignatureInfo> {
        let mut c = self.store.connection().await?;
        let found = universities::signatory(&mut c, signatory)
            .await?
            .filter(|s| s.university_id == university)
            .ok_or_else(|| {
                PlatformError::NotFound(format!(
                    "signatory `{signatory}` of university `{university}`"
                ))
            })?;
        drop(c);
        authz::may(
            actor,
            Action::DescribeUniversity {
                university: &found.university_id,
            },
        )?;
        let facts = checked_image("the signature is not accepted", declared, bytes)?;
        let image = StoredImage {
            owner: found.id.clone(),
            media_type: facts.media_type.to_owned(),
            image: bytes.to_vec(),
            width: i64::from(facts.width),
            height: i64::from(facts.height),
            updated_at: now(),
        };
        let mut tx = self.store.begin().await?;
        universities::set_image(&mut tx, ImageKind::Signature, &image).await?;
        audit::append(
            &mut tx,
            &actor.id,
            "signature.set",
            &format!("signatory:{}", found.id),
            &serde_json::json!({ "media_type": image.media_type, "bytes": bytes.len(), "width": image.width, "height": image.height }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(SignatureInfo {
            signatory: found.id,
            university: found.university_id,
            media_type: image.media_type,
            width: image.width,
            height: image.height,
        })
    }

    /// A logo, to serve.
    pub async fn logo(&self, owner: &str) -> Result<Image> {
        let mut c = self.store.connection().await?;
        universities::image(&mut c, ImageKind::Logo, owner)
            .await?
            .map(|stored| Image {
                media_type: stored.media_type,
                bytes: stored.image,
            })
            .ok_or_else(|| PlatformError::NotFound(format!("a logo of `{owner}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        bytes
    }

    #[test]
    fn png_and_jpeg_sizes_are_read_from_their_headers() {
        assert_eq!(
            image_facts(&png(200, 80)),
            Ok(ImageFacts {
                media_type: "image/png",
                width: 200,
                height: 80
            })
        );
        // SOI, an APP0 segment of 16 bytes, then SOF0: precision 8, height 48, width 300.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        jpeg.extend([0; 14]);
        jpeg.extend([0xff, 0xc0, 0, 17, 8, 0, 48, 1, 44, 3]);
        assert_eq!(
            image_facts(&jpeg),
            Ok(ImageFacts {
                media_type: "image/jpeg",
                width: 300,
                height: 48
            })
        );
    }

    #[test]
    fn other_or_broken_images_are_refused_with_a_reason() {
        assert!(
            image_facts(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
                .unwrap_err()
                .contains("SVG")
        );
        assert!(
            image_facts(&png(1, 1)[..20])
                .unwrap_err()
                .contains("cut short")
        );
        assert!(
            image_facts(&[0xff, 0xd8, 0xff, 0xe0, 0, 200])
                .unwrap_err()
                .contains("cut short")
        );
        assert!(
            image_facts(&[0xff, 0xd8, 0xff, 0xe0, 0, 1])
                .unwrap_err()
                .contains("impossible")
        );
        assert!(
            image_facts(&[0xff, 0xd8, 0xff, 0xd9])
                .unwrap_err()
                .contains("cut short")
        );
        assert!(image_facts(&[0xff, 0xd8, 0xff]).is_err());
    }
}
