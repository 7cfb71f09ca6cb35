//! Widgets shared by pages.

pub mod desk_form;
pub mod desk_frame;
pub mod desk_page;
pub mod desk_table;
pub mod desk_text;
pub mod documents;
pub mod error_summary;
pub mod field;
pub mod inputs;
pub mod island_scripts;
pub mod lang_switch;
pub mod messages;
pub mod page_frame;
pub mod quick_exit;
