//! The volunteer desk's queue and case pages. Every change is a plain form post that the
//! server answers with a redirect or with the same page, the input and the error.

pub mod badges;
pub mod case;
pub mod case_forms;
pub mod queue;
