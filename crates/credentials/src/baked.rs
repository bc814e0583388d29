//! Baked badges (Open Badges 3.0 §5.3): a badge image carrying its signed credential, so the
//! picture a learner posts is itself verifiable. PNG: an `iTXt` chunk with the keyword
//! `openbadgecredential` holding the credential (JSON, or a compact JWS). SVG: an
//! `<openbadges:credential>` element (namespace `https://purl.imsglobal.org/ob/v3p0`) under the
//! root, holding the JSON in its text or a JWS in its `verify` attribute. Reading is bounded:
//! the image's size, the chunks walked, the decompressed text, the SVG's nodes.

use std::io::Read;

use serde_json::Value;

/// The `iTXt` keyword of a baked PNG.
pub const PNG_KEYWORD: &str = "openbadgecredential";
/// The XML namespace of the SVG element.
pub const SVG_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// Largest image read, in bytes.
pub const MAX_IMAGE_BYTES: usize = 16 * 1024 * 1024;
/// Largest credential taken out of an image (compressed or not), in bytes.
pub const MAX_BAKED_CREDENTIAL_BYTES: usize = 2 * 1024 * 1024;
/// PNG chunks walked at most.
const MAX_CHUNKS: usize = 10_000;
/// SVG nodes parsed at most.
const MAX_SVG_NODES: u32 = 200_000;

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Why a baked badge cannot be read or made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum BakeError {
    #[error("the image is larger than {MAX_IMAGE_BYTES} bytes")]
    TooLarge,
    #[error("not a PNG or SVG image")]
    NotAnImage,
    #[error("the PNG is damaged: {0}")]
    BadPng(String),
    #[error("the SVG is not well-formed XML: {0}")]
    BadSvg(String),
    #[error("the image carries no Open Badges credential (no {0})")]
    NotBaked(&'static str),
    #[error("the baked credential is larger than {MAX_BAKED_CREDENTIAL_BYTES} bytes")]
    CredentialTooLarge,
    #[error("the baked credential is neither JSON nor a compact JWS: {0}")]
    BadCredential(String),
}

/// Whether `bytes` look like an image microcred reads baked credentials from.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(PNG_SIGNATURE) || looks_like_svg(bytes)
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

/// The credential baked into a PNG or SVG badge: a JSON object, or a compact JWS as a string.
pub fn unbake(bytes: &[u8]) -> Result<Value, BakeError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let text = if bytes.starts_with(PNG_SIGNATURE) {
        png_credential(bytes)?
    } else if looks_like_svg(bytes) {
        svg_credential(bytes)?
    } else {
        return Err(BakeError::NotAnImage);
    };
    credential_value(text.trim())
}

fn credential_value(text: &str) -> Result<Value, BakeError> {
    if text.starts_with('{') {
        serde_json::from_str(text).map_err(|e| BakeError::BadCredential(e.to_string()))
    } else if crate::vc_jwt::is_vc_jwt(text) {
        Ok(Value::String(text.to_owned()))
    } else {
        Err(BakeError::BadCredential(
            "it does not start with `{` and is not three base64url parts".into(),
        ))
    }
}

/// One PNG chunk: its type, its data, and where the whole chunk starts and ends.
type Chunk<'a> = ([u8; 4], &'a [u8], usize, usize);

/// Walks a PNG's chunks.
fn png_chunks(bytes: &[u8]) -> Result<Vec<Chunk<'_>>, BakeError> {
    let mut chunks = Vec::new();
    let mut at = PNG_SIGNATURE.len();
    while at < bytes.len() {
        if chunks.len() == MAX_CHUNKS {
            return Err(BakeError::BadPng(format!("more than {MAX_CHUNKS} chunks")));
        }
        let header = bytes
            .get(at..at + 8)
            .ok_or_else(|| BakeError::BadPng(format!("a chunk is cut short at byte {at}")))?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(length))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| {
                BakeError::BadPng(format!(
                    "the {} chunk at byte {at} runs past the end",
                    String::from_utf8_lossy(&kind)
                ))
            })?;
        chunks.push((kind, &bytes[at + 8..at + 8 + length], at, end));
        at = end;
        if &kind == b"IEND" {
            break;
        }
    }
    Ok(chunks)
}

fn png_credential(bytes: &[u8]) -> Result<String, BakeError> {
    for (kind, data, _, _) in png_chunks(bytes)? {
        if &kind != b"iTXt" {
            continue;
        }
        // keyword \0 compression-flag compression-method language \0 translated \0 text
        let Some(nul) = data.iter().position(|&b| b == 0) else {
            continue;
        };
        if &data[..nul] != PNG_KEYWORD.as_bytes() {
            continue;
        }
        let rest = &data[nul + 1..];
        let (&flag, rest) = rest
            .split_first()
            .ok_or_else(|| BakeError::BadPng("the iTXt chunk is cut short".into()))?;
        let rest = rest.get(1..).unwrap_or_default();
        let mut fields = rest.splitn(3, |&b| b == 0);
        let (_language, _translated, text) = (fields.next(), fields.next(), fields.next());
        let text = text.ok_or_else(|| BakeError::BadPng("the iTXt chunk is cut short".into()))?;
        let text = if flag == 1 {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(text)
                .take(MAX_BAKED_CREDENTIAL_BYTES as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| BakeError::BadPng(format!("its iTXt text does not inflate: {e}")))?;
            out
        } else {
            text.to_vec()
        };
        if text.len() > MAX_BAKED_CREDENTIAL_BYTES {
            return Err(BakeError::CredentialTooLarge);
        }
        return String::from_utf8(text)
            .map_err(|_| BakeError::BadCredential("its text is not UTF-8".into()));
    }
    Err(BakeError::NotBaked("iTXt chunk `openbadgecredential`"))
}

/// An SVG parsed within its bounds (no DTD, so no entity expansion; at most
/// [`MAX_SVG_NODES`] nodes).
fn parse_svg(text: &str) -> Result<roxmltree::Document<'_>, BakeError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_SVG_NODES,
    };
    roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| BakeError::BadSvg(e.to_string()))
}

fn svg_credential(bytes: &[u8]) -> Result<String, BakeError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| BakeError::BadSvg("it is not UTF-8".into()))?
        .trim_start_matches('\u{feff}');
    let document = parse_svg(text)?;
    let element = document
        .root_element()
        .descendants()
        .find(|n| n.has_tag_name((SVG_NAMESPACE, "credential")))
        .ok_or(BakeError::NotBaked("<openbadges:credential> element"))?;
    if let Some(jws) = element.attribute("verify") {
        return Ok(jws.to_owned());
    }
    let content: String = element
        .children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    if content.len() > MAX_BAKED_CREDENTIAL_BYTES {
        return Err(BakeError::CredentialTooLarge);
    }
    Ok(content)
}

/// `credential` (a JSON object, or a compact JWS string) as baked text.
fn baked_text(credential: &Value) -> String {
    match credential {
        Value::String(jws) => jws.clone(),
        other => other.to_string(),
    }
}

/// `png` with `credential` baked in: an uncompressed `iTXt` chunk before `IEND`, replacing a
/// credential baked before.
pub fn bake_png(png: &[u8], credential: &Value) -> Result<Vec<u8>, BakeError> {
    if png.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    if !png.starts_with(PNG_SIGNATURE) {
        return Err(BakeError::NotAnImage);
    }
    let chunks = png_chunks(png)?;
    let mut data = PNG_KEYWORD.as_bytes().to_vec();
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(baked_text(credential).as_bytes());
    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(PNG_SIGNATURE);
    let mut ended = false;
    for (kind, chunk_data, start, end) in chunks {
        let is_old_credential = &kind == b"iTXt"
            && chunk_data.starts_with(PNG_KEYWORD.as_bytes())
            && chunk_data.get(PNG_KEYWORD.len()) == Some(&0);
        if is_old_credential {
            continue;
        }
        if &kind == b"IEND" {
            write_chunk(&mut out, b"iTXt", &data);
            ended = true;
        }
        out.extend_from_slice(&png[start..end]);
    }
    if !ended {
        return Err(BakeError::BadPng("it has no IEND chunk".into()));
    }
    Ok(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// `svg` with `credential` baked in: an `<openbadges:credential>` element first in the root
/// (JSON as CDATA, a JWS in `verify`), replacing one baked before.
pub fn bake_svg(svg: &str, credential: &Value) -> Result<String, BakeError> {
    if svg.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::TooLarge);
    }
    let document = parse_svg(svg)?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" {
        return Err(BakeError::NotAnImage);
    }
    let mut text = svg.to_owned();
    // Remove an earlier credential (its whole element, by its byte range).
    if let Some(old) = root
        .descendants()
        .find(|n| n.has_tag_name((SVG_NAMESPACE, "credential")))
    {
        text.replace_range(old.range(), "");
    }
    let start = root.range().start;
    let open_end = start_tag_end(&text, start)
        .ok_or_else(|| BakeError::BadSvg("the root element's start tag does not end".into()))?;
    let declares = root
        .namespaces()
        .any(|ns| ns.uri() == SVG_NAMESPACE && ns.name() == Some("openbadges"));
    let element = match credential {
        Value::String(jws) => {
            format!(
                "<openbadges:credential verify=\"{}\"></openbadges:credential>",
                xml_attribute(jws)
            )
        }
        other => format!(
            "<openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            other.to_string().replace("]]>", "]]]]><![CDATA[>")
        ),
    };
    let self_closing = text[..open_end].ends_with("/>");
    let mut out = String::with_capacity(text.len() + element.len() + 64);
    let tag_close = if self_closing {
        open_end - 2
    } else {
        open_end - 1
    };
    out.push_str(&text[..tag_close]);
    if !declares {
        out.push_str(&format!(" xmlns:openbadges=\"{SVG_NAMESPACE}\""));
    }
    out.push('>');
    out.push_str(&element);
    if self_closing {
        out.push_str("</svg>");
    }
    out.push_str(&text[open_end..]);
    Ok(out)
}

/// The byte after the `>` ending the start tag that begins at `start` (quotes respected).
fn start_tag_end(text: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.get(start..)?.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

fn xml_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A 1×1 PNG (IHDR, IDAT, IEND).
    fn tiny_png() -> Vec<u8> {
        let mut png = PNG_SIGNATURE.to_vec();
        write_chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        write_chunk(
            &mut png,
            b"IDAT",
            &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
        );
        write_chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn a_png_bakes_and_unbakes_json_and_jws_and_rebakes_once() {
        let credential =
            json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x"});
        let baked = bake_png(&tiny_png(), &credential).unwrap();
        assert_eq!(unbake(&baked).unwrap(), credential);
        let jws = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";
        let rebaked = bake_png(&baked, &Value::String(jws.into())).unwrap();
        assert_eq!(unbake(&rebaked).unwrap(), Value::String(jws.into()));
        assert_eq!(
            rebaked
                .windows(PNG_KEYWORD.len())
                .filter(|w| *w == PNG_KEYWORD.as_bytes())
                .count(),
            1
        );
        assert_eq!(
            unbake(&tiny_png()),
            Err(BakeError::NotBaked("iTXt chunk `openbadgecredential`"))
        );
    }

    #[test]
    fn a_compressed_itxt_is_inflated_within_its_limit() {
        use std::io::Write;
        let mut bomb = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        bomb.write_all(b"{\"a\":\"").unwrap();
        bomb.write_all(&vec![b'a'; MAX_BAKED_CREDENTIAL_BYTES * 4])
            .unwrap();
        let compressed = bomb.finish().unwrap();
        let mut data = PNG_KEYWORD.as_bytes().to_vec();
        data.extend_from_slice(&[0, 1, 0, 0, 0]);
        data.extend_from_slice(&compressed);
        let mut png = tiny_png();
        let iend = png.len() - 12;
        let mut chunk = Vec::new();
        write_chunk(&mut chunk, b"iTXt", &data);
        png.splice(iend..iend, chunk);
        assert_eq!(unbake(&png), Err(BakeError::CredentialTooLarge));
    }

    #[test]
    fn damaged_pngs_are_named_never_panic() {
        let png = tiny_png();
        for cut in [9, 20, 33, png.len() - 3] {
            assert!(unbake(&png[..cut]).is_err(), "{cut}");
        }
        let mut lying = png.clone();
        lying[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(unbake(&lying), Err(BakeError::BadPng(_))));
        assert_eq!(unbake(b"GIF89a"), Err(BakeError::NotAnImage));
    }

    #[test]
    fn an_svg_bakes_and_unbakes() {
        let svg = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>"#;
        let credential = json!({"id": "urn:x", "name": "a ]]> b & <c>"});
        let baked = bake_svg(svg, &credential).unwrap();
        assert_eq!(unbake(baked.as_bytes()).unwrap(), credential);
        let jws = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";
        let rebaked = bake_svg(&baked, &Value::String(jws.into())).unwrap();
        assert_eq!(
            unbake(rebaked.as_bytes()).unwrap(),
            Value::String(jws.into())
        );
        assert_eq!(
            rebaked.matches("openbadges:credential ").count()
                + rebaked.matches("<openbadges:credential>").count(),
            1,
            "{rebaked}"
        );
        let empty = bake_svg(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#, &credential).unwrap();
        assert_eq!(unbake(empty.as_bytes()).unwrap(), credential);
        assert!(matches!(
            unbake(b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
            Err(BakeError::NotBaked(_))
        ));
        assert!(matches!(
            unbake(b"<svg><g></svg>"),
            Err(BakeError::BadSvg(_))
        ));
    }
}
