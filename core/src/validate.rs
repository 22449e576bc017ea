//! Validation of a whole survey.
