//! The sign-in pages' loaders: the second step (a code or a passkey, or enrolment with its
//! QR code or a first passkey), an invitation and a reset link as their links show them;
//! the password page; a person's security page; and the signed-in person for the desk's frame.

use crate::api::{
    form::FormState,
    security::{PasskeyDto, SecurityPageDto},
    staff::*,
    AppError,
};
use crate::server::{
    staff::request::{current_staff, desk_token, pending_staff},
    staff::{self, passkeys, Staff},
    AppState,
};

/// The signed-in person with their embassy's name, for the desk's frame.
pub fn me_with_embassy(staff: &Staff) -> MeDto {
    MeDto {
        login: staff.login.clone(),
        role: staff.role,
        embassy: staff.embassy_name.clone(),
        embassy_be: staff.embassy_name_be.clone(),
        embassy_ru: staff.embassy_name_ru.clone(),
        zone: staff.embassy_zone.clone().unwrap_or_else(|| "UTC".into()),
    }
}

pub async fn second_factor_page(state: &AppState, form: Option<FormState>) -> Result<SecondFactorDto, AppError> {
    let staff = pending_staff(state).await?;
    let enrolment = staff::enrolment_secret(&state.db, &state.keyring, &staff).await?.map(|secret| {
        let uri = staff::totp::otpauth_uri(&secret, "embassy-desk", &staff.login);
        EnrolmentDto { qr_svg: staff::totp::qr_svg(&uri), secret_base32: secret.base32() }
    });
    let asks_code = staff.has_totp || enrolment.is_some();
    let passkey = passkey_step(state, &staff).await?;
    Ok(SecondFactorDto { enrolment, asks_code, passkey, form })
}

/// The passkey ceremony of the second step: sign-in with a passkey the person has, or the
/// creation of a first one while they have no factor.
async fn passkey_step(state: &AppState, staff: &Staff) -> Result<Option<PasskeyStepDto>, AppError> {
    let token = desk_token(state)?;
    let rp = passkeys::relying_party(&state.config);
    let (db, keyring) = (&state.db, &state.keyring);
    let step = if staff.has_passkey {
        passkeys::start_authentication(db, keyring, rp.as_ref(), &token, staff).await?.map(|options| PasskeyStepDto { create: false, options })
    } else if !staff.has_totp {
        passkeys::start_registration(db, keyring, rp.as_ref(), &token, staff).await?.map(|options| PasskeyStepDto { create: true, options })
    } else {
        None
    };
    Ok(step)
}

/// A signed-in person's own second factors, with a new ceremony to add a passkey.
pub async fn security_page(state: &AppState, form: Option<FormState>) -> Result<SecurityPageDto, AppError> {
    let staff = current_staff(state).await?;
    let token = desk_token(state)?;
    let rp = passkeys::relying_party(&state.config);
    let register_options = passkeys::start_registration(&state.db, &state.keyring, rp.as_ref(), &token, &staff).await?;
    let passkeys = passkeys::list(&state.db, &state.keyring, &staff)
        .await?
        .into_iter()
        .map(|p| PasskeyDto { id: p.id, name: p.name, created_at: p.created_at, last_used_at: p.last_used_at })
        .collect();
    Ok(SecurityPageDto { me: me_with_embassy(&staff), has_totp: staff.has_totp, passkeys, register_options, form })
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
