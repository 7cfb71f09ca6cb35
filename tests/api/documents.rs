//! Documents: sent with the intake form and from the follow-up page as plain multipart
//! posts, stripped of their metadata, sealed in chunks, listed and downloaded by the desk
//! within its scope, refused with the form kept, and gone with the case.

use crate::{
    helpers::{fixture, multipart_body, spawn_app_with, valid_form, with, Backend, TestApp, Upload, World},
    on_both_backends,
};

fn upload(name: &str) -> Upload<'_> {
    Upload { name, bytes: fixture(name) }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The document links of a case page, in order.
fn links(body: &str, prefix: &str) -> Vec<String> {
    body.match_indices(prefix).filter_map(|(at, _)| body[at..].split('"').next().map(str::to_owned)).filter(|href| !href.ends_with("/preview")).collect()
}

/// The download link of the document named `name` on a page.
fn link_of(body: &str, prefix: &str, name: &str) -> String {
    links(body, prefix)
        .into_iter()
        .find(|href| body.split(&format!("href=\"{href}\"")).nth(1).is_some_and(|rest| rest.split("</a>").next().unwrap_or_default().contains(name)))
        .unwrap_or_else(|| panic!("no link to {name}"))
}

/// A case opened with two files; the download links of both on the page of Poland's lead.
async fn opened_with(app: &TestApp, w: &World, files: [Upload<'_>; 2]) -> [String; 2] {
    let names = [files[0].name.to_owned(), files[1].name.to_owned()];
    let page = app.post_intake_with_files(&valid_form(), &files).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let case = app.case_of(&page.text_of("receipt-reference").unwrap()).await;
    let body = app.get_case(&w.lead_pl, &case).await.body;
    let prefix = format!("/desk/cases/{case}/documents/");
    names.map(|name| link_of(&body, &prefix, &name))
}

async fn first_chunk(app: &TestApp, document: &str) -> Vec<u8> {
    sqlx::query_scalar("SELECT sealed FROM document_chunks WHERE document_id = $1 AND seq = 0").bind(document).fetch_one(app.state.db.pool()).await.unwrap()
}

async fn set_first_chunk(app: &TestApp, document: &str, sealed: &[u8]) {
    sqlx::query("UPDATE document_chunks SET sealed = $1 WHERE document_id = $2 AND seq = 0")
        .bind(sealed)
        .bind(document)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn documents_and_chunks(app: &TestApp) -> (i64, i64) {
    (app.count("SELECT COUNT(*) FROM documents").await, app.count("SELECT COUNT(*) FROM document_chunks").await)
}

/// A requester sends a phone photo, a PDF and a note with the intake form; the receipt says
/// what was removed; a volunteer of the queue sees the three and downloads them: the photo
/// without its GPS and camera, the PDF without its author, the note as it was, each as an
/// attachment of its sniffed type that runs nothing. Every step is audited.
async fn intake_documents_reach_the_volunteer_without_their_metadata(app: TestApp) {
    let w = World::build(&app).await;
    let page = app.post_intake_with_files(&valid_form(), &[upload("photo-gps.jpg"), upload("letter.pdf"), upload("note.txt")]).await;
    assert_eq!(page.status, 201, "{}", page.body);
    assert!(page.body.contains("id=\"removed-title\""), "the receipt says what was removed");
    assert!(page.body.contains("GPS"), "the location is named");
    let case = app.case_of(&page.text_of("receipt-reference").unwrap()).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.add'").await, 3);

    let case_page = app.get_case(&w.vol_legal, &case).await;
    assert_eq!(case_page.status, 200);
    for name in ["photo-gps.jpg", "letter.pdf", "note.txt"] {
        assert!(case_page.body.contains(name), "{name} is listed");
    }
    let prefix = format!("/desk/cases/{case}/documents/");
    assert_eq!(links(&case_page.body, &prefix).len(), 3);
    let hrefs: Vec<String> = ["photo-gps.jpg", "letter.pdf", "note.txt"].iter().map(|name| link_of(&case_page.body, &prefix, name)).collect();
    let photo = app.download(&hrefs[0], &w.vol_legal.cookie).await;
    assert_eq!(photo.status, 200);
    assert_eq!(photo.content_type, "image/jpeg");
    assert!(photo.disposition.starts_with("attachment;") && photo.disposition.contains("photo-gps.jpg"), "{}", photo.disposition);
    assert!(photo.nosniff && photo.csp.contains("sandbox") && photo.csp.contains("default-src 'none'"));
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!contains(&photo.bytes, b"SentinelCam") && !contains(&photo.bytes, b"Exif\0\0"), "no camera, no Exif block");
    let pdf = app.download(&hrefs[1], &w.vol_legal.cookie).await;
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert!(!contains(&pdf.bytes, b"PDF-SENTINEL-AUTHOR"), "no author");
    let note = app.download(&hrefs[2], &w.vol_legal.cookie).await;
    assert_eq!(note.bytes, fixture("note.txt"), "text comes back as sent");
    assert!(note.content_type.starts_with("text/plain"));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.download' AND outcome = 'ok'").await, 3);

    // A preview is inline, in the same sandbox.
    let preview = app.download(&format!("{}/preview", hrefs[0]), &w.vol_legal.cookie).await;
    assert!(preview.disposition.starts_with("inline;") && preview.csp.contains("sandbox"));
}

/// Another embassy's volunteer, and a volunteer of another queue, get 404 for a document,
/// recorded as denied; a requester's session reaches only its own case's documents.
async fn documents_stay_within_scope(app: TestApp) {
    let w = World::build(&app).await;
    let page = app.post_intake_with_files(&valid_form(), &[upload("note.txt")]).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let case = app.case_of(&page.text_of("receipt-reference").unwrap()).await;
    let href = links(&app.get_case(&w.lead_pl, &case).await.body, &format!("/desk/cases/{case}/documents/")).remove(0);
    for outsider in [&w.vol_lt, &w.lead_lt, &w.vol_housing] {
        let refused = app.download(&href, &outsider.cookie).await;
        assert_eq!(refused.status, 404);
        assert!(refused.bytes.is_empty() || !contains(&refused.bytes, &fixture("note.txt")));
    }
    assert!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.download' AND outcome = 'denied'").await >= 2);
    // Another requester's session: the same document id is not theirs.
    let (reference, code) = app.open_request().await;
    let other = app.requester_sign_in(&reference, &code).await;
    let document = href.rsplit('/').next().unwrap();
    assert_eq!(app.download(&format!("/follow-up/documents/{document}"), &other).await.status, 404);
}

/// A form refused for a field keeps what was typed and the files already taken, listed to
/// be kept; sent again with the field fixed, the case opens with them. A file of a kind the
/// desk does not take is refused next to the file field, and nothing of it is stored.
async fn a_refused_form_keeps_its_files(app: TestApp) {
    let token = app.form_token().await;
    let no_name = with(valid_form(), "name", "");
    let refused = app.post_intake_files_on(&token, &no_name, &[], &[upload("photo-gps.jpg"), upload("not-allowed.zip")]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("id=\"documents-error\""), "the refused file's error is next to the field");
    assert!(refused.body.contains("photo-gps.jpg"), "the photo taken is listed");
    assert_eq!(refused.input_value("city").as_deref(), Some("Białystok"), "what was typed is kept");
    let kept = refused.input_value("keep_document").expect("a box to keep the photo");
    assert_eq!(documents_and_chunks(&app).await.0, 1, "the photo is staged, the zip is not stored");
    assert_eq!(app.count("SELECT COUNT(*) FROM documents WHERE case_id IS NULL").await, 1);

    let sent = app.post_intake_files_on(&token, &valid_form(), &[&kept], &[]).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let case = app.case_of(&sent.text_of("receipt-reference").unwrap()).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM documents WHERE case_id = '{case}'")).await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM documents WHERE case_id IS NULL").await, 0, "nothing left staged");
}

/// Past the limits from configuration: a file too large, too many files — each refused with
/// its error next to the field, nothing of the refused file stored.
async fn limits_refuse_files_and_store_nothing_of_them(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[("EMBASSY_DESK_DOCUMENT_MB", "1"), ("EMBASSY_DESK_DOCUMENTS_PER_POST", "2")]).await else { return };
    let big = Upload { name: "big.txt", bytes: "слова ".repeat(200_000).into_bytes() };
    let page = app.post_intake_with_files(&valid_form(), &[big]).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("id=\"documents-error\""));
    assert!(page.body.contains("larger than allowed"), "{}", page.text());
    assert_eq!(documents_and_chunks(&app).await, (0, 0));

    let page = app.post_intake_with_files(&valid_form(), &[upload("note.txt"), upload("note.txt"), upload("note.txt")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Too many files"), "{}", page.text());
    assert_eq!(documents_and_chunks(&app).await.0, 2, "the first two are staged and listed");
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

/// An upload cut off in the middle of a file leaves nothing: no document, no chunk.
async fn a_cut_off_upload_leaves_nothing(app: TestApp) {
    let token = app.form_token().await;
    let mut fields: Vec<(&str, &str)> = vec![("form_token", token.as_str())];
    let form = valid_form();
    fields.extend(form.iter().map(|(k, v)| (*k, v.as_str())));
    let body = multipart_body(&fields, &[upload("note.txt"), Upload { name: "scan.pdf", bytes: fixture("letter.pdf") }]);
    let cut = body[..body.len() - 200].to_vec();
    let page = app.post_multipart_body("/", cut, None).await;
    assert!(page.status == 400 || page.status == 422, "{}", page.status);
    assert_eq!(documents_and_chunks(&app).await, (0, 0));
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

/// A chunk moved from one document to another does not open: the download is refused with
/// a plain error and the attempt recorded as failed, never a file with another's bytes.
async fn a_chunk_moved_to_another_document_is_refused(app: TestApp) {
    let w = World::build(&app).await;
    let hrefs = opened_with(&app, &w, [upload("note.txt"), upload("letter.pdf")]).await;
    let ids = hrefs.clone().map(|h| h.rsplit('/').next().unwrap().to_owned());
    set_first_chunk(&app, &ids[0], &first_chunk(&app, &ids[1]).await).await;
    let refused = app.download(&hrefs[0], &w.lead_pl.cookie).await;
    assert_eq!(refused.status, 500);
    assert!(String::from_utf8_lossy(&refused.bytes).contains("damaged"));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.download' AND outcome = 'failed'").await, 1);
    assert_eq!(app.download(&hrefs[1], &w.lead_pl.cookie).await.status, 200, "the other document is untouched");
}

/// From the follow-up page the requester sends one more document and downloads it back;
/// the volunteer sees it beside the intake's; deleting the request leaves no document and
/// no chunk.
async fn follow_up_documents_and_deletion(app: TestApp) {
    let w = World::build(&app).await;
    let page = app.post_intake_with_files(&valid_form(), &[upload("photo-gps.jpg")]).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let (reference, code) = (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap());
    let cookie = app.requester_sign_in(&reference, &code).await;
    let thread = app.get_thread(&cookie, "en").await;
    let token = thread.input_value("upload").expect("the send-documents form has its upload token");
    let nothing = app.post_multipart("/follow-up/documents", &[("upload", &token)], &[], Some(&cookie)).await;
    assert_eq!(nothing.status, 422, "a post without a file says so");
    assert!(nothing.body.contains("id=\"documents-error\""));
    let sent = app.post_multipart("/follow-up/documents", &[("upload", &token)], &[upload("letter.pdf")], Some(&cookie)).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let thread = app.get_thread(&cookie, "en").await;
    assert!(thread.body.contains("letter.pdf") && thread.body.contains("photo-gps.jpg"));
    assert_eq!(links(&thread.body, "/follow-up/documents/").len(), 2);
    let back = app.download(&link_of(&thread.body, "/follow-up/documents/", "letter.pdf"), &cookie).await;
    assert_eq!(back.status, 200);
    assert!(back.bytes.starts_with(b"%PDF-") && !contains(&back.bytes, b"PDF-SENTINEL-AUTHOR"));
    let case = app.case_of(&reference).await;
    assert!(app.get_case(&w.vol_legal, &case).await.body.contains("letter.pdf"));

    assert!(documents_and_chunks(&app).await.1 > 0);
    assert_eq!(app.post_delete_request(&cookie).await.status, 303);
    assert_eq!(documents_and_chunks(&app).await, (0, 0), "deletion leaves no document and no chunk");
}

/// A volunteer attaches a filled form to a reply. A file of a kind the desk does not take is
/// refused next to the file field, with the text and the file already taken kept; sent
/// again, the reply carries the form, which the requester downloads from the follow-up page
/// as the desk's. A volunteer who may not work the case sends files for nothing: none is read.
async fn a_reply_carries_documents_to_the_requester(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, code) = app.open_request().await;
    let case = app.case_of(&reference).await;
    let path = format!("/desk/cases/{case}");

    let page = app.get_case(&w.vol_legal, &case).await;
    assert_eq!(page.duplicate_ids(), Vec::<String>::new(), "each id once on the case page");
    let token = page.input_value("upload").expect("the reply form has its upload token");
    let unassigned = [("action", "reply"), ("upload", token.as_str()), ("body", "Not my case.")];
    let page = app.post_multipart(&path, &unassigned, &[upload("letter.pdf")], Some(&w.vol_legal.cookie)).await;
    assert_eq!(page.status, 403, "only whoever works the case replies");
    assert_eq!(documents_and_chunks(&app).await, (0, 0), "the files of a reply refused are not read");

    assert_eq!(app.post_case(&w.vol_legal, &case, "take", &[]).await.status, 303);
    let fields = [("action", "reply"), ("upload", token.as_str()), ("body", "Please sign the form and send it back.")];
    let refused = app.post_multipart(&path, &fields, &[upload("letter.pdf"), upload("not-allowed.zip")], Some(&w.vol_legal.cookie)).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("id=\"documents-error\""), "the refused file's error is next to the field");
    assert!(refused.body.contains("Please sign the form and send it back."), "the text is kept");
    assert_eq!(refused.input_value("upload").as_deref(), Some(token.as_str()), "the same upload token comes back");
    let kept = refused.input_value("keep_document").expect("a box to keep the form already taken");
    assert_eq!(app.count("SELECT COUNT(*) FROM documents WHERE case_id IS NULL AND origin = 'desk'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_messages").await, 0, "nothing sent yet");

    let sent = app.post_multipart(&path, &[fields[0], fields[1], fields[2], ("keep_document", &kept)], &[], Some(&w.vol_legal.cookie)).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents d JOIN case_messages m ON m.id = d.message_id WHERE d.case_id = m.case_id").await,
        1,
        "the form belongs to the reply"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.add'").await, 1);
    assert!(app.get_case(&w.vol_legal, &case).await.body.contains("letter.pdf"), "the case page lists it");

    let cookie = app.requester_sign_in(&reference, &code).await;
    let thread = app.get_thread(&cookie, "en").await;
    assert_eq!(thread.duplicate_ids(), Vec::<String>::new(), "each id once on the follow-up page");
    assert!(thread.body.contains("Please sign the form and send it back."));
    let row = thread.body.split("letter.pdf").nth(2).and_then(|rest| rest.split("</tr>").next()).unwrap_or_default();
    assert!(row.contains("the desk"), "marked as the desk's: {row}");
    let back = app.download(&link_of(&thread.body, "/follow-up/documents/", "letter.pdf"), &cookie).await;
    assert_eq!(back.status, 200);
    assert!(back.bytes.starts_with(b"%PDF-") && !contains(&back.bytes, b"PDF-SENTINEL-AUTHOR"));
}

/// Every kind the desk takes comes back from the download as an image or document of its
/// kind with the same pixels, and without the metadata it was sent with: a PNG without its
/// author and location, a WebP and a HEIC without their Exif and XMP.
async fn each_kind_round_trips_without_its_metadata(app: TestApp) {
    let w = World::build(&app).await;
    let names = ["scan.png", "photo.webp", "photo.heic", "progressive-comment.jpg"];
    let page = app.post_intake_with_files(&valid_form(), &names.map(upload)).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let case = app.case_of(&page.text_of("receipt-reference").unwrap()).await;
    let body = app.get_case(&w.vol_legal, &case).await.body;
    let prefix = format!("/desk/cases/{case}/documents/");
    let back = |name: &'static str| {
        let href = link_of(&body, &prefix, name);
        let (app, cookie) = (&app, w.vol_legal.cookie.clone());
        async move { app.download(&href, &cookie).await }
    };
    let pixels = |bytes: &[u8]| image::load_from_memory(bytes).expect("decodes").to_rgb8();

    let png = back("scan.png").await;
    assert_eq!(png.content_type, "image/png");
    assert_eq!(pixels(&png.bytes), pixels(&fixture("scan.png")), "the same picture");
    for gone in [&b"PNG-SENTINEL-AUTHOR"[..], b"kitchen table", b"eXIf"] {
        assert!(!contains(&png.bytes, gone), "{} removed", String::from_utf8_lossy(gone));
    }
    let webp = back("photo.webp").await;
    assert_eq!(webp.content_type, "image/webp");
    assert_eq!(pixels(&webp.bytes), pixels(&fixture("photo.webp")));
    for gone in [&b"SentinelCam"[..], b"XMP-SENTINEL-CREATOR", b"EXIF"] {
        assert!(!contains(&webp.bytes, gone), "{} removed", String::from_utf8_lossy(gone));
    }
    let heic = back("photo.heic").await;
    assert_eq!(heic.content_type, "image/heic");
    assert_eq!(&heic.bytes[4..8], b"ftyp");
    for gone in [&b"XMP-SENTINEL-CREATOR"[..], b"MM\0*", b"2024:05:01"] {
        assert!(!contains(&heic.bytes, gone), "{} removed", String::from_utf8_lossy(gone));
    }
    let jpeg = back("progressive-comment.jpg").await;
    assert_eq!(pixels(&jpeg.bytes), pixels(&fixture("progressive-comment.jpg")), "a progressive JPEG keeps every scan");
    assert!(!contains(&jpeg.bytes, b"COM-SENTINEL-BETWEEN-SCANS"));
}

/// A stored chunk cut short does not open: the download is refused with a plain error and
/// recorded as failed. A document whose last chunk is lost never arrives whole: the answer
/// breaks off instead of ending as if the file were complete.
async fn a_truncated_chunk_is_refused(app: TestApp) {
    let w = World::build(&app).await;
    let long = Upload { name: "long.txt", bytes: "Rechtsanwalt, Aufenthaltstitel.\n".repeat(8_000).into_bytes() };
    let hrefs = opened_with(&app, &w, [upload("note.txt"), long]).await;
    let ids = hrefs.clone().map(|h| h.rsplit('/').next().unwrap().to_owned());
    let sealed = first_chunk(&app, &ids[0]).await;
    set_first_chunk(&app, &ids[0], &sealed[..sealed.len() - 7]).await;
    let refused = app.download(&hrefs[0], &w.lead_pl.cookie).await;
    assert_eq!(refused.status, 500);
    assert!(String::from_utf8_lossy(&refused.bytes).contains("damaged"));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.document.download' AND outcome = 'failed'").await, 1);

    let whole = app.download(&hrefs[1], &w.lead_pl.cookie).await;
    assert_eq!(whole.bytes.len(), 8_000 * 32, "the long text arrives whole first");
    let last: i64 = app.count(&format!("SELECT CAST(MAX(seq) AS BIGINT) FROM document_chunks WHERE document_id = '{}'", ids[1])).await;
    assert!(last > 0, "the long text takes several chunks");
    sqlx::query("DELETE FROM document_chunks WHERE document_id = $1 AND seq = $2").bind(&ids[1]).bind(last).execute(app.state.db.pool()).await.unwrap();
    // The answer breaks off; when it breaks before its headers leave, there is no answer at all.
    let cut = app.client.get(app.url(&hrefs[1])).header("cookie", &w.lead_pl.cookie).send().await;
    let arrived = match cut {
        Ok(response) => response.bytes().await.map(|b| b.len()).unwrap_or(0),
        Err(_) => 0,
    };
    assert!(arrived < whole.bytes.len(), "a document without its last chunk never arrives whole");
}

on_both_backends!(
    intake_documents_reach_the_volunteer_without_their_metadata,
    documents_stay_within_scope,
    a_refused_form_keeps_its_files,
    a_cut_off_upload_leaves_nothing,
    a_chunk_moved_to_another_document_is_refused,
    follow_up_documents_and_deletion,
    a_reply_carries_documents_to_the_requester,
    each_kind_round_trips_without_its_metadata,
    a_truncated_chunk_is_refused,
);

mod limits_refuse_files_and_store_nothing_of_them {
    use crate::helpers::Backend;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::limits_refuse_files_and_store_nothing_of_them(Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::limits_refuse_files_and_store_nothing_of_them(Backend::Postgres).await;
    }
}
