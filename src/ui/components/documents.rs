//! Documents on a page: the file field of a form (with its limits, its error and the files
//! already received with the form), a list of a case's documents, and what was removed
//! from the files just sent.

use super::{
    field::{described_by, invalid, FieldErrorText},
    messages::date_time_text,
};
use crate::{
    api::documents::{DocumentDto, UploadDto},
    domain::intake::{Field, FieldError},
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

/// What a file input offers to pick (the server judges by content all the same).
pub const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,text/plain,.jpg,.jpeg,.png,.webp,.heic,.heif,.pdf,.txt";

/// A size as people read it: KB below a megabyte, else MB with one decimal.
pub fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The file field of a form: label, limits, error, the picker, and the files this form
/// already delivered (kept unless unticked).
#[component]
pub fn DocumentsField(upload: UploadDto, errors: RwSignal<Vec<FieldError>>, #[prop(optional)] label: Option<AnyView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field documents">
            <label for="documents">{label.unwrap_or_else(|| t!(i18n, documents.label).into_any())}</label>
            <LimitsHint upload=upload.clone() />
            <FieldErrorText field=Field::Documents errors />
            <KeptFiles staged=upload.staged />
            <input type="file" id="documents" name="documents" multiple accept=ACCEPT
                aria-invalid=invalid(errors, Field::Documents)
                aria-describedby=described_by(errors, Field::Documents, Some("documents-hint")) />
        </div>
    }
}

/// What a file field takes (`id="documents-hint"`).
#[component]
pub fn LimitsHint(upload: UploadDto) -> impl IntoView {
    let i18n = use_i18n();
    let (files, mb) = (upload.files, upload.mb);
    view! { <p class="hint" id="documents-hint">{t!(i18n, documents.hint, files = move || files, size = move || mb)}</p> }
}

/// The files a form already delivered, each kept unless unticked (`keep_document`).
#[component]
pub fn KeptFiles(staged: Vec<DocumentDto>) -> impl IntoView {
    let i18n = use_i18n();
    (!staged.is_empty()).then(|| {
        view! {
            <fieldset class="staged">
                <legend>{t!(i18n, documents.kept_title)}</legend>
                {staged.into_iter().map(|d| {
                    let id = format!("keep-{}", d.id);
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=id.clone() name="keep_document" value=d.id checked=true />
                            <label for=id>{d.name}" ("{d.kind}", "{size_text(d.size)}")"</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        }
    })
}

/// A case's documents as a table: name (a download link), kind, size, when and from whom.
/// `requester_view` words the origin for the requester ("you", "the desk").
#[component]
pub fn DocumentTable(documents: Vec<DocumentDto>, requester_view: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    if documents.is_empty() {
        return view! { <p class="empty">{t!(i18n, documents.none)}</p> }.into_any();
    }
    view! {
        <table class="documents">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, documents.name)}</th>
                    <th scope="col">{t!(i18n, documents.kind)}</th>
                    <th scope="col">{t!(i18n, documents.size)}</th>
                    <th scope="col">{t!(i18n, documents.when)}</th>
                    <th scope="col">{t!(i18n, documents.from)}</th>
                </tr>
            </thead>
            <tbody>
                {documents.into_iter().map(|d| {
                    let from = match (d.from_desk, requester_view) {
                        (true, _) => t!(i18n, documents.from_desk).into_any(),
                        (false, true) => t!(i18n, documents.from_you).into_any(),
                        (false, false) => t!(i18n, documents.from_requester).into_any(),
                    };
                    let preview = (!d.preview.is_empty()).then(|| view! {
                        " "<a class="preview" href=d.preview.clone() rel="external">{t!(i18n, documents.preview)}</a>
                    });
                    view! {
                        <tr>
                            <td>
                                <a class="download" href=d.href.clone() rel="external" download=d.name.clone()>{d.name.clone()}</a>
                                {preview}
                            </td>
                            <td>{d.kind}</td>
                            <td>{size_text(d.size)}</td>
                            <td>{date_time_text(locale, d.created_at)}</td>
                            <td>{from}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// What was removed from the files just received, in the reader's language.
#[component]
pub fn RemovedNotice(removed: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    (!removed.is_empty()).then(|| {
        view! {
            <section class="removed" aria-labelledby="removed-title">
                <h2 id="removed-title">{t!(i18n, documents.removed_title)}</h2>
                <ul>
                    {removed.into_iter().map(|code| match code.as_str() {
                        "location" => view! { <li>{t!(i18n, documents.removed_location)}</li> }.into_any(),
                        "device" => view! { <li>{t!(i18n, documents.removed_device)}</li> }.into_any(),
                        "times" => view! { <li>{t!(i18n, documents.removed_times)}</li> }.into_any(),
                        "author" => view! { <li>{t!(i18n, documents.removed_author)}</li> }.into_any(),
                        _ => view! { <li>{t!(i18n, documents.removed_other)}</li> }.into_any(),
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
