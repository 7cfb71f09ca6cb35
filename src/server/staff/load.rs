//! The sign-in pages' loaders: the second step (a code, or enrolment with its QR code),
//! an invitation and a reset link as their links show them; the password page; and the
//! signed-in person for the desk's frame.

use crate::api::{form::FormState, staff::*, AppError};
use crate::server::{
    staff::request::{current_staff, pending_staff},
    staff::{self, Staff},
    AppState,
};

/// The signed-in person with their embassy's name, for the desk's frame.
pub fn me_with_embassy(staff: &Staff) -> MeDto {
    MeDto { login: staff.login.clone(), role: staff.role, embassy: staff.embassy_name.clone() }
}

pub async fn second_factor_page(state: &AppState, form: Option<FormState>) -> Result<SecondFactorDto, AppError> {
    let staff = pending_staff(state).await?;
    let enrolment = staff::enrolment_secret(&state.db, &state.keyring, &staff).await?.map(|secret| {
        let uri = staff::totp::otpauth_uri(&secret, "embassy-desk", &staff.login);
        EnrolmentDto { qr_svg: staff::totp::qr_svg(&uri), secret_base32: secret.base32() }
    });
    Ok(SecondFactorDto { enrolment, form })
}

pub async fn invitation_page(state: &AppState, token: &str, form: Option<FormState>) -> Result<InvitationDto, AppError> {
    let invitation = staff::invitation(&state.db, &state.keyring, token).await?.ok_or(AppError::NotFound)?;
    Ok(InvitationDto { role: invitation.role, embassy: invitation.embassy_name, expires_at: invitation.expires_at, form })
}

pub async fn reset_page(state: &AppState, token: &str, form: Option<FormState>) -> Result<ResetDto, AppError> {
    let reset = staff::resets::reset(&state.db, &state.keyring, token).await?.ok_or(AppError::NotFound)?;
    Ok(ResetDto { login: reset.login, expires_at: reset.expires_at, form })
}

pub async fn password_page(state: &AppState, form: Option<FormState>) -> Result<PasswordPageDto, AppError> {
    let staff = current_staff(state).await?;
    Ok(PasswordPageDto { me: me_with_embassy(&staff), form })
}
