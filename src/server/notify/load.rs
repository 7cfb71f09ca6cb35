//! The notifications page's loader.

use crate::api::{form::FormState, notify::NotifyPageDto, AppError};
use crate::server::{staff::load::me_with_embassy, staff::request::current_staff, AppState};

/// `a•••@example.org`: the first character of the name and the domain.
pub fn masked(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((name, domain)) => format!("{}•••@{domain}", name.chars().next().unwrap_or('•')),
        None => "•••".into(),
    }
}

/// The signed-in person's own settings.
pub async fn notify_page(state: &AppState, form: Option<FormState>) -> Result<NotifyPageDto, AppError> {
    let staff = current_staff(state).await?;
    let settings = super::settings_of(&mut *state.db.acquire().await?, &state.keyring, &staff).await?;
    Ok(NotifyPageDto {
        me: me_with_embassy(&staff),
        sends: state.config.mail.smtp_url.is_some(),
        email_hint: settings.email.as_deref().map(masked),
        language: settings.language,
        modes: settings.modes,
        waiting: settings.waiting,
        form,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_address_is_shown_masked() {
        assert_eq!(super::masked("ales@example.org"), "a•••@example.org");
        assert_eq!(super::masked("я@пошта.by"), "я•••@пошта.by");
    }
}
