//! [`setters!`]: builder setters that store their argument in a field.

/// Builder setters `fn name(mut self, param: Type) -> Self` that store `param` in a field and
/// return `self`, each keeping its doc comment and visibility:
///
/// ```text
/// setters! {
///     /// With `list` available or not.
///     pub fn with_list(yes: bool) => list;
///     /// Time allowed for each request.
///     pub fn with_timeout(timeout: Duration) => timeout = Some(Setting::typed(timeout));
/// }
/// ```
///
/// `=> field` stores the argument as it is; `=> field = value` stores `value`, made from it.
macro_rules! setters {
    ($(
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($param:ident: $ty:ty) => $field:ident $(= $value:expr)?;
    )*) => {$(
        $(#[$attr])*
        $vis fn $name(mut self, $param: $ty) -> Self {
            self.$field = $crate::setters::setters!(@value $param $(, $value)?);
            self
        }
    )*};
    (@value $param:ident) => {
        $param
    };
    (@value $param:ident, $value:expr) => {
        $value
    };
}

pub(crate) use setters;
