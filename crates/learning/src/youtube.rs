//! Learning from a YouTube video (DOMAIN §5.5): a video link (watch, shorts, embed, live and
//! youtu.be forms, on www., m., music. and the no-cookie domain) is learned from the video's
//! English transcript, not from its page, whose visible text is only YouTube's chrome.
//!
//! The transcript is fetched the way the youtube-transcript-api library (which the original used)
//! fetches it from YouTube, in YouTube's own formats:
//! 1. the watch page (`/watch?v=<id>`, HTML) carries the InnerTube API key (`"INNERTUBE_API_KEY":"…"`);
//!    where YouTube shows its cookie-consent page instead (as it does in some regions), the page is
//!    fetched again with the consent accepted (`CONSENT=YES+<the form's v>`), and the cookie is sent
//!    to YouTube's host with the requests that follow;
//! 2. the InnerTube player endpoint (`POST /youtubei/v1/player?key=<key>`, JSON), asked as the
//!    Android app, says whether the video plays and lists its caption tracks;
//! 3. the chosen track's `baseUrl` (without `&fmt=srv3`) answers timedtext XML, one `<text>` per
//!    caption line, whose content is HTML-escaped once more inside the XML.
//!
//! A manually created English track is preferred to an auto-generated one. Every request goes
//! through the guarded fetcher ([`fetch::send_guarded`]); the caption URL comes from YouTube's
//! answer, so it is resolved and re-checked like a redirect. Each failure says why (no captions, no
//! English ones, unplayable with YouTube's reason, a consent wall that accepting did not lift, a
//! captcha wall). The original's Bright Data proxy, which gets around YouTube blocking data-centre
//! addresses, is not supported.
//! The origin of the watch page and player endpoint is the `youtube_base_url` variable.

use crate::fetch::{self, FetchError, HostCookie, MAX_BODY_BYTES, Outgoing, Page};
use crate::text;
use serde::Deserialize;
use serde_json::json;
use url::Url;

/// The InnerTube client the player endpoint is asked as (the library's choice: the Android
/// client's caption URLs need no proof-of-origin token).
pub const ANDROID_CLIENT_VERSION: &str = "20.10.38";

/// Hosts whose `/watch?v=`, `/shorts/`, `/embed/` and `/live/` links are videos.
const HOSTS: [&str; 6] =
    ["youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"];
/// Hosts of short links, `youtu.be/<id>`.
const SHORT_HOSTS: [&str; 2] = ["youtu.be", "www.youtu.be"];
/// Path forms `/<form>/<id>`.
const PATH_FORMS: [&str; 3] = ["shorts", "embed", "live"];
/// What a consent wall's form posts to.
const CONSENT_FORM: &str = "action=\"https://consent.youtube.com/s\"";
/// The consent form's field whose value the consent cookie carries.
const CONSENT_FIELD: &str = "name=\"v\" value=\"";
const KEY_MARKER: &str = "\"INNERTUBE_API_KEY\"";

/// Why a video's transcript could not be had.
#[derive(Clone, Debug, PartialEq)]
pub enum TranscriptError {
    Fetch(&'static str, FetchError),
    TooLarge(&'static str),
    ConsentWall,
    Captcha,
    NoApiKey,
    BadPlayerAnswer(String),
    Unplayable { status: String, reason: String },
    NoCaptions,
    /// The language codes of the tracks there are.
    NoEnglishCaptions(Vec<String>),
    PoTokenRequired,
    EmptyTranscript,
    BadTranscript(String),
}

impl std::fmt::Display for TranscriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TranscriptError::Fetch(what, error) => write!(f, "could not fetch YouTube's {what}: {error}"),
            TranscriptError::TooLarge(what) => write!(f, "YouTube's {what} is larger than {} MiB", MAX_BODY_BYTES >> 20),
            TranscriptError::ConsentWall => f.write_str(
                "YouTube answered with its cookie-consent page instead of the video (as it does in some regions), \
                 and accepting it with the consent cookie did not get past it",
            ),
            TranscriptError::Captcha => f.write_str(
                "YouTube answered with a captcha: it is blocking requests from this server's address \
                 (fetching through a proxy, as the original could, is not supported)",
            ),
            TranscriptError::NoApiKey => {
                f.write_str("YouTube's watch page has no InnerTube API key (the video may not exist, or YouTube changed its page)")
            }
            TranscriptError::BadPlayerAnswer(error) => write!(f, "YouTube's player answer is not the expected JSON: {error}"),
            TranscriptError::Unplayable { status, reason } => write!(f, "YouTube will not play this video ({status}): {reason}"),
            TranscriptError::NoCaptions => f.write_str("this video has no captions"),
            TranscriptError::NoEnglishCaptions(languages) => {
                write!(f, "this video has no English captions (captions in: {})", languages.join(", "))
            }
            TranscriptError::PoTokenRequired => {
                f.write_str("YouTube wants a proof-of-origin token for this video's captions, which is not supported")
            }
            TranscriptError::EmptyTranscript => f.write_str("YouTube answered an empty transcript"),
            TranscriptError::BadTranscript(error) => write!(f, "the transcript is not timedtext XML: {error}"),
        }
    }
}

/// The id of the video a YouTube video link names; `Ok(None)` for any other URL (learned as a
/// page); an error for a video link without a valid id.
pub fn video_id(raw_url: &str) -> Result<Option<String>, String> {
    let Ok(url) = Url::parse(raw_url.trim()) else { return Ok(None) };
    if !matches!(url.scheme(), "http" | "https") {
        return Ok(None);
    }
    let host = url.host_str().unwrap_or_default();
    let mut segments = url.path_segments().into_iter().flatten().filter(|segment| !segment.is_empty());
    let candidate = if SHORT_HOSTS.contains(&host) {
        Some(segments.next().unwrap_or_default().to_string())
    } else if HOSTS.contains(&host) {
        match segments.next() {
            Some("watch") => Some(url.query_pairs().find(|(name, _)| name == "v").map(|(_, id)| id.into_owned()).unwrap_or_default()),
            Some(form) if PATH_FORMS.contains(&form) => Some(segments.next().unwrap_or_default().to_string()),
            _ => None,
        }
    } else {
        None
    };
    match candidate {
        None => Ok(None),
        Some(id) if is_video_id(&id) => Ok(Some(id)),
        Some(id) if id.is_empty() => Err("the YouTube link names no video".into()),
        Some(id) => Err(format!("`{id}` is not a YouTube video id (11 letters, digits, - or _)")),
    }
}

fn is_video_id(id: &str) -> bool {
    id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The InnerTube API key of a watch page, or why the page is not a usable one.
pub fn innertube_api_key(html: &str) -> Result<String, TranscriptError> {
    if html.contains(CONSENT_FORM) {
        return Err(TranscriptError::ConsentWall);
    }
    let key = html.match_indices(KEY_MARKER).find_map(|(at, _)| {
        let value = html[at + KEY_MARKER.len()..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let end = value.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))?;
        (end > 0 && value[end..].starts_with('"')).then(|| value[..end].to_string())
    });
    match key {
        Some(key) => Ok(key),
        None if html.contains("class=\"g-recaptcha\"") => Err(TranscriptError::Captcha),
        None => Err(TranscriptError::NoApiKey),
    }
}

/// The cookie that accepts a consent wall: `CONSENT=YES+` and the value of the form's `v` field
/// (what youtube-transcript-api sets); `None` if the page has no usable one.
pub fn consent_cookie(html: &str) -> Option<String> {
    let start = html.find(CONSENT_FIELD)? + CONSENT_FIELD.len();
    let value = &html[start..][..html[start..].find('"')?];
    let usable = !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic() && b != b';');
    usable.then(|| format!("CONSENT=YES+{value}"))
}

/// The body of the player request for `video_id`.
pub fn player_request(video_id: &str) -> serde_json::Value {
    json!({"context": {"client": {"clientName": "ANDROID", "clientVersion": ANDROID_CLIENT_VERSION}}, "videoId": video_id})
}

/// One caption track of a video.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptionTrack {
    pub base_url: String,
    pub language_code: String,
    pub name: String,
    /// Auto-generated (speech recognition, `kind: "asr"`) rather than written by a person.
    pub generated: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlayerAnswer {
    playability_status: Option<Playability>,
    captions: Option<Captions>,
}

#[derive(Deserialize)]
struct Playability {
    status: Option<String>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Captions {
    player_captions_tracklist_renderer: Option<TrackList>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackList {
    #[serde(default)]
    caption_tracks: Vec<RawTrack>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTrack {
    base_url: String,
    language_code: String,
    kind: Option<String>,
    name: Option<TrackName>,
}

/// YouTube's text object: `{"simpleText": …}` or `{"runs": [{"text": …}]}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackName {
    simple_text: Option<String>,
    #[serde(default)]
    runs: Vec<Run>,
}

#[derive(Deserialize)]
struct Run {
    text: String,
}

impl TrackName {
    fn into_text(self) -> String {
        self.simple_text.unwrap_or_else(|| self.runs.into_iter().map(|run| run.text).collect())
    }
}

/// The caption tracks of a player answer, if the video plays and has any.
pub fn caption_tracks(player_json: &[u8]) -> Result<Vec<CaptionTrack>, TranscriptError> {
    let answer: PlayerAnswer = serde_json::from_slice(player_json).map_err(|e| TranscriptError::BadPlayerAnswer(e.to_string()))?;
    if let Some(Playability { status: Some(status), reason }) = answer.playability_status
        && status != "OK"
    {
        let reason = reason.unwrap_or_else(|| "no reason given".into());
        return Err(TranscriptError::Unplayable { status, reason });
    }
    let tracks = answer.captions.and_then(|captions| captions.player_captions_tracklist_renderer).map(|list| list.caption_tracks);
    let tracks: Vec<CaptionTrack> = tracks
        .unwrap_or_default()
        .into_iter()
        .map(|raw| CaptionTrack {
            generated: raw.kind.as_deref() == Some("asr"),
            name: raw.name.map(TrackName::into_text).unwrap_or_default(),
            base_url: raw.base_url,
            language_code: raw.language_code,
        })
        .collect();
    if tracks.is_empty() { Err(TranscriptError::NoCaptions) } else { Ok(tracks) }
}

/// The English track to learn from: manually created before auto-generated, then `en`, `en-US`,
/// `en-GB`, any other `en-*`; the first of equals.
pub fn english_track(tracks: &[CaptionTrack]) -> Result<&CaptionTrack, TranscriptError> {
    tracks
        .iter()
        .filter_map(|track| english_rank(&track.language_code).map(|rank| ((track.generated, rank), track)))
        .min_by_key(|(key, _)| *key)
        .map(|(_, track)| track)
        .ok_or_else(|| {
            let languages = tracks.iter().map(|track| {
                if track.generated { format!("{} (auto-generated)", track.language_code) } else { track.language_code.clone() }
            });
            TranscriptError::NoEnglishCaptions(languages.collect())
        })
}

fn english_rank(language_code: &str) -> Option<u8> {
    match language_code.to_ascii_lowercase().as_str() {
        "en" => Some(0),
        "en-us" => Some(1),
        "en-gb" => Some(2),
        code if code.starts_with("en-") => Some(3),
        _ => None,
    }
}

/// Where to fetch `track` as timedtext XML, resolved against the player answer's URL.
pub fn transcript_url(player_url: &Url, track: &CaptionTrack) -> Result<String, TranscriptError> {
    if track.base_url.contains("&exp=xpe") {
        return Err(TranscriptError::PoTokenRequired);
    }
    let url = player_url.join(&track.base_url.replace("&fmt=srv3", ""));
    url.map(String::from).map_err(|e| TranscriptError::BadPlayerAnswer(format!("bad caption URL: {e}")))
}

/// The text of a timedtext XML transcript: one line per `<text>`, its HTML entities decoded and
/// inline tags dropped, normalized and truncated by [`text::from_plain`].
pub fn transcript_text(xml: &str) -> Result<String, TranscriptError> {
    if xml.trim().is_empty() {
        return Err(TranscriptError::EmptyTranscript);
    }
    let document = roxmltree::Document::parse(xml).map_err(|e| TranscriptError::BadTranscript(e.to_string()))?;
    let lines: Vec<String> = document.descendants().filter(|node| node.has_tag_name("text")).map(caption_line).collect();
    Ok(text::from_plain(&lines.join("\n")))
}

/// One caption's text on one line: what the XML holds is HTML (`&#39;`, `<font …>`), read as such.
fn caption_line(node: roxmltree::Node<'_, '_>) -> String {
    let html: String = node.descendants().filter(|child| child.is_text()).filter_map(|child| child.text()).collect();
    let plain = if html.contains(['&', '<']) { text::from_html(&html) } else { html };
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A video's transcript and the track it came from.
#[derive(Clone, Debug)]
pub struct Transcript {
    pub video_id: String,
    pub track: CaptionTrack,
    pub text: String,
}

impl Transcript {
    /// For the admin's review: which captions were learned from.
    pub fn note(&self) -> String {
        let kind = if self.track.generated { "auto-generated" } else { "manually created" };
        let (name, code) = (&self.track.name, &self.track.language_code);
        format!("learned from the {kind} {name} captions ({code}) of YouTube video {}", self.video_id)
    }
}

/// Fetches the English transcript of `video_id` from YouTube at `base_url` (an origin).
pub async fn transcript(base_url: &str, video_id: &str) -> Result<Transcript, TranscriptError> {
    let base = base_url.trim_end_matches('/');
    let (key, cookie) = watch_page_key(base, video_id).await?;
    let player_url = format!("{base}/youtubei/v1/player?key={key}");
    let player_request = Outgoing::post_json(player_url, &player_request(video_id), "application/json");
    let player = fetched_whole("player answer", player_request.with_cookie(cookie.as_ref())).await?;
    let tracks = caption_tracks(&player.body)?;
    let track = english_track(&tracks)?.clone();
    let answered_from = Url::parse(&player.url).map_err(|e| TranscriptError::BadPlayerAnswer(e.to_string()))?;
    let transcript_request = Outgoing::get(transcript_url(&answered_from, &track)?, "text/xml, application/xml");
    let xml = fetched_whole("transcript", transcript_request.with_cookie(cookie.as_ref())).await?;
    let text = transcript_text(&String::from_utf8_lossy(&xml.body))?;
    Ok(Transcript { video_id: video_id.to_string(), track, text })
}

/// The InnerTube API key of the video's watch page, and the consent cookie (for the watch page's
/// host) if a consent wall had to be accepted to get it.
async fn watch_page_key(base: &str, video_id: &str) -> Result<(String, Option<HostCookie>), TranscriptError> {
    let url = format!("{base}/watch?v={video_id}");
    let page = watch_page(Outgoing::get(&url, "text/html")).await?;
    match innertube_api_key(&page) {
        Err(TranscriptError::ConsentWall) => {
            let value = consent_cookie(&page).ok_or(TranscriptError::ConsentWall)?;
            let host = Url::parse(&url).ok().and_then(|url| url.host_str().map(str::to_string));
            let cookie = HostCookie { host: host.ok_or(TranscriptError::ConsentWall)?, value };
            let page = watch_page(Outgoing::get(url, "text/html").with_cookie(Some(&cookie))).await?;
            Ok((innertube_api_key(&page)?, Some(cookie)))
        }
        key => Ok((key?, None)),
    }
}

/// A watch page's HTML; one cut at the size limit still has its key near the top.
async fn watch_page(request: Outgoing) -> Result<String, TranscriptError> {
    let page = fetched("watch page", request).await?;
    Ok(String::from_utf8_lossy(&page.body).into_owned())
}

/// Sends `request` through the guard; a body over the size limit is cut.
async fn fetched(what: &'static str, request: Outgoing) -> Result<Page, TranscriptError> {
    fetch::send_guarded(request).await.map_err(|error| TranscriptError::Fetch(what, error))
}

/// Like [`fetched`], for a body that must be read whole to be parsed.
async fn fetched_whole(what: &'static str, request: Outgoing) -> Result<Page, TranscriptError> {
    let page = fetched(what, request).await?;
    if page.truncated { Err(TranscriptError::TooLarge(what)) } else { Ok(page) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "dQw4w9WgXcQ";

    #[test]
    fn every_video_link_form_names_its_id() {
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "http://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVM",
            "https://WWW.YouTube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://youtube.com/shorts/dQw4w9WgXcQ?feature=share",
            "https://www.youtube.com/embed/dQw4w9WgXcQ?start=10",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=abc&t=5",
            "  https://youtu.be/dQw4w9WgXcQ/  ",
        ] {
            assert_eq!(video_id(url), Ok(Some(ID.to_string())), "{url}");
        }
        assert_eq!(video_id("https://youtu.be/a-b_C1d2E3f"), Ok(Some("a-b_C1d2E3f".into())));
    }

    #[test]
    fn other_urls_are_pages() {
        for url in [
            "https://example.com/watch?v=dQw4w9WgXcQ",
            "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/",
            "https://www.youtube.com/@somechannel",
            "https://www.youtube.com/playlist?list=PL123",
            "https://www.youtube.com/results?search_query=books",
            "ftp://youtu.be/dQw4w9WgXcQ",
            "not a url",
        ] {
            assert_eq!(video_id(url), Ok(None), "{url}");
        }
    }

    #[test]
    fn video_links_with_bad_ids_are_refused() {
        for url in [
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQX",
            "https://www.youtube.com/watch?v=dQw4w9WgX%21Q",
            "https://www.youtube.com/watch?list=PL123",
            "https://www.youtube.com/shorts/",
            "https://youtu.be/",
            "https://youtu.be/dQw4w9WgXc",
        ] {
            assert!(video_id(url).is_err(), "{url}");
        }
    }

    #[test]
    fn the_api_key_is_read_from_the_watch_page() {
        let page = r#"<script>ytcfg.set({"INNERTUBE_API_KEY_X":"no","INNERTUBE_API_KEY": "AIzaSy-key_1","OTHER":1});</script>"#;
        assert_eq!(innertube_api_key(page), Ok("AIzaSy-key_1".into()));
        assert_eq!(innertube_api_key("<html>nothing here</html>"), Err(TranscriptError::NoApiKey));
        assert_eq!(innertube_api_key(r#"<div class="g-recaptcha" data-sitekey="x"></div>"#), Err(TranscriptError::Captcha));
        let consent = r#"<form action="https://consent.youtube.com/s" method="POST"><input name="v" value="x"></form>"#;
        assert_eq!(innertube_api_key(consent), Err(TranscriptError::ConsentWall));
    }

    #[test]
    fn a_consent_wall_is_accepted_with_the_value_of_its_form() {
        let wall = r#"<form action="https://consent.youtube.com/s" method="POST">
            <input type="hidden" name="gl" value="DE"><input type="hidden" name="v" value="cb.20260101-00-p0.de+FX+123"></form>"#;
        assert_eq!(consent_cookie(wall), Some("CONSENT=YES+cb.20260101-00-p0.de+FX+123".into()));
        for unusable in [
            r#"<form action="https://consent.youtube.com/s"></form>"#,
            r#"<input name="v" value="">"#,
            r#"<input name="v" value="a; other=cookie">"#,
            r#"<input name="v" value="unterminated"#,
        ] {
            assert_eq!(consent_cookie(unusable), None, "{unusable}");
        }
    }

    #[test]
    fn the_player_is_asked_as_the_android_client() {
        let body = player_request(ID);
        assert_eq!(body["context"]["client"]["clientName"], "ANDROID");
        assert_eq!(body["context"]["client"]["clientVersion"], ANDROID_CLIENT_VERSION);
        assert_eq!(body["videoId"], ID);
    }

    fn track(language_code: &str, generated: bool) -> CaptionTrack {
        let base_url = format!("/api/timedtext?lang={language_code}");
        CaptionTrack { base_url, language_code: language_code.into(), name: String::new(), generated }
    }

    #[test]
    fn caption_tracks_are_read_with_both_name_forms() {
        let answer = json!({
            "playabilityStatus": {"status": "OK"},
            "captions": {"playerCaptionsTracklistRenderer": {"captionTracks": [
                {"baseUrl": "https://www.youtube.com/api/timedtext?v=x&lang=en", "languageCode": "en",
                 "name": {"runs": [{"text": "English"}]}},
                {"baseUrl": "https://www.youtube.com/api/timedtext?v=x&lang=de&kind=asr", "languageCode": "de", "kind": "asr",
                 "name": {"simpleText": "German (auto-generated)"}},
            ]}},
        });
        let tracks = caption_tracks(answer.to_string().as_bytes()).unwrap();
        assert_eq!(tracks.len(), 2);
        assert_eq!((tracks[0].name.as_str(), tracks[0].generated), ("English", false));
        let german = &tracks[1];
        assert_eq!((german.name.as_str(), german.generated, german.language_code.as_str()), ("German (auto-generated)", true, "de"));
    }

    #[test]
    fn unplayable_videos_and_missing_captions_say_why() {
        let unplayable = json!({"playabilityStatus": {"status": "LOGIN_REQUIRED", "reason": "Sign in to confirm your age"}});
        assert_eq!(
            caption_tracks(unplayable.to_string().as_bytes()),
            Err(TranscriptError::Unplayable { status: "LOGIN_REQUIRED".into(), reason: "Sign in to confirm your age".into() })
        );
        for answer in [
            json!({"playabilityStatus": {"status": "OK"}}),
            json!({"captions": {}}),
            json!({"captions": {"playerCaptionsTracklistRenderer": {"captionTracks": []}}}),
        ] {
            assert_eq!(caption_tracks(answer.to_string().as_bytes()), Err(TranscriptError::NoCaptions), "{answer}");
        }
        assert!(matches!(caption_tracks(b"<html>"), Err(TranscriptError::BadPlayerAnswer(_))));
        let message = TranscriptError::NoEnglishCaptions(vec!["de".into()]).to_string();
        assert_eq!(message, "this video has no English captions (captions in: de)");
    }

    #[test]
    fn a_manual_english_track_wins_over_generated_and_other_languages() {
        let tracks = [track("de", false), track("en", true), track("en-GB", false), track("en-US", false), track("fr", false)];
        assert_eq!(english_track(&tracks).unwrap().language_code, "en-US");
        let tracks = [track("en-AU", false), track("en", false)];
        assert_eq!(english_track(&tracks).unwrap().language_code, "en");
        let generated_only = [track("de", false), track("en", true)];
        assert_eq!(english_track(&generated_only).unwrap(), &generated_only[1]);
        let no_english = [track("de", false), track("es", true)];
        let languages = vec!["de".to_string(), "es (auto-generated)".into()];
        assert_eq!(english_track(&no_english), Err(TranscriptError::NoEnglishCaptions(languages)));
        assert!(english_track(&[track("eng", false)]).is_err(), "only en and en-* are English codes");
    }

    #[test]
    fn the_transcript_url_drops_srv3_and_resolves_like_a_redirect() {
        let player = Url::parse("https://www.youtube.com/youtubei/v1/player?key=k").unwrap();
        let mut chosen = track("en", false);
        chosen.base_url = "https://www.youtube.com/api/timedtext?v=x&lang=en&fmt=srv3&sig=s".into();
        assert_eq!(transcript_url(&player, &chosen), Ok("https://www.youtube.com/api/timedtext?v=x&lang=en&sig=s".into()));
        chosen.base_url = "/api/timedtext?v=x&lang=en".into();
        assert_eq!(transcript_url(&player, &chosen), Ok("https://www.youtube.com/api/timedtext?v=x&lang=en".into()));
        chosen.base_url = "https://www.youtube.com/api/timedtext?v=x&exp=xpe&lang=en".into();
        assert_eq!(transcript_url(&player, &chosen), Err(TranscriptError::PoTokenRequired));
    }

    #[test]
    fn transcript_lines_are_decoded_untagged_and_joined() {
        let xml = r##"<?xml version="1.0" encoding="utf-8" ?><transcript>
            <text start="0.0" dur="1.54">Hey there &amp;#39;friend</text>
            <text start="1.54" dur="2.1">buy   under &amp;lt;200k &amp;amp; sell in &lt;font color="#E5E5E5"&gt;August&lt;/font&gt;</text>
            <text start="3.64" dur="1.0"></text>
            <text start="4.64" dur="1.0">&amp;quot;patience&amp;quot;
pays</text>
        </transcript>"##;
        assert_eq!(transcript_text(xml), Ok("Hey there 'friend\nbuy under <200k & sell in August\n\"patience\" pays".into()));
    }

    #[test]
    fn bad_or_empty_transcripts_say_so_and_long_ones_are_truncated() {
        assert_eq!(transcript_text("  "), Err(TranscriptError::EmptyTranscript));
        assert!(matches!(transcript_text("<transcript><text>open"), Err(TranscriptError::BadTranscript(_))));
        let line = format!("<text start=\"0\">{}</text>", "word ".repeat(2_000));
        let xml = format!("<transcript>{}</transcript>", line.repeat(10));
        assert_eq!(transcript_text(&xml).unwrap().chars().count(), text::MAX_CHARS);
    }
}
