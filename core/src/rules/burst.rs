//! Rule family `burst` (RULES.md). Not yet implemented.

use super::{Ctx, Finding};

pub fn check(_ctx: &Ctx<'_>, _levels: &super::Levels, _out: &mut Vec<Finding>) {}
