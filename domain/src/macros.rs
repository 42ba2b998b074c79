//! Macros for the small value types every context needs: trimmed text and stable code enums.

use crate::FieldError;

/// Trim `input` and check it is non-blank, at most `max` characters and free of control characters.
pub(crate) fn clean_text(input: &str, field: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be blank"));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// A trimmed, non-blank, bounded text newtype: `text_type!(/// doc, Name, "field", 200);`
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Parse the input: trimmed, non-blank, bounded, no control characters.
            pub fn parse(input: &str) -> Result<Self, $crate::FieldError> {
                $crate::macros::clean_text(input, $field, $max).map(Self)
            }
            /// The text, as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// The text of a value's doc lines: each line trimmed, blank lines dropped, joined by a space.
pub(crate) fn doc_text(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An enum with stable wire codes, each value with its doc line (at least one: a value without
/// a description does not compile):
/// `code_enum!(/// doc, Name, "field" { /// what it means
/// Variant = "code", .. });`
macro_rules! code_enum {
    (
        $(#[$doc:meta])* $name:ident, $field:literal {
            $($(#[doc = $vdoc:expr])+ $variant:ident = $code:literal),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[doc = $vdoc])+ $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable wire code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// What the value means: its doc text, trimmed, its lines joined by a space.
            pub fn describe(self) -> &'static str {
                match self {
                    $($name::$variant => {
                        static TEXT: ::std::sync::OnceLock<String> = ::std::sync::OnceLock::new();
                        TEXT.get_or_init(|| $crate::macros::doc_text(&[$($vdoc),+])).as_str()
                    }),+
                }
            }

            /// Parse a wire code (exact, case-sensitive).
            pub fn parse(input: &str) -> Result<Self, $crate::FieldError> {
                match input {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::FieldError::new(
                        $field,
                        format!("must be one of: {}", [$($code),+].join(", ")),
                    )),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        /// From its wire code (configuration files).
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&code).map_err(|e| ::serde::de::Error::custom(e.message))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    code_enum!(
        /// A value type only for these tests.
        Sample, "sample" {
            /// One line.
            One = "one",
            /// Two lines, joined
            ///   by one space.
            ///
            Two = "two",
        }
    );

    #[test]
    fn a_value_describes_itself_with_its_doc_lines_trimmed_and_joined() {
        assert_eq!(Sample::One.describe(), "One line.");
        assert_eq!(Sample::Two.describe(), "Two lines, joined by one space.");
        assert_eq!(Sample::parse("two").unwrap(), Sample::Two);
        assert!(Sample::ALL.iter().all(|v| !v.describe().contains("  ")));
    }
}
