//! A short, human-readable description of a generated client, for snapshot review.
//!
//! Read from the generated source itself (parsed with syn), so that the snapshot shows exactly
//! what users of the client get: each operation with its HTTP method and path, parameters, body,
//! success and error types, and each type with its fields (and the JSON names where they differ)
//! or variants. A spec edit shows up in `cargo insta review` as a diff of a few readable lines.

use std::fmt::Write;

use quote::ToTokens;
use syn::{Attribute, Fields, FnArg, ImplItem, Item, Pat, ReturnType, Type};

/// Describes the generated `code`, or says why it cannot be parsed.
pub fn describe(code: &str) -> Result<String, syn::Error> {
    let file = syn::parse_file(code)?;
    let mut out = String::from("# Operations\n");
    for item in &file.items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && tidy(&imp.self_ty.to_token_stream().to_string()) == "Client"
        {
            for item in &imp.items {
                if let ImplItem::Fn(f) = item
                    && f.sig.asyncness.is_some()
                {
                    let form = f
                        .block
                        .to_token_stream()
                        .to_string()
                        .contains("form_urlencoded");
                    describe_operation(&mut out, &f.attrs, &f.sig, form);
                }
            }
        }
    }
    out.push_str("\n# Types\n");
    for item in &file.items {
        if let Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &m.content
        {
            for item in items {
                describe_type(&mut out, item);
            }
        }
    }
    Ok(out)
}

fn describe_operation(out: &mut String, attrs: &[Attribute], sig: &syn::Signature, form: bool) {
    let doc = doc_text(attrs);
    let route = doc
        .lines()
        .find_map(|l| l.trim().strip_prefix("Sends a `"))
        .map(|rest| rest.replace("` request to `", " ").replace('`', ""))
        .unwrap_or_default();
    let _ = writeln!(out, "\n{}: {route}", sig.ident);
    for input in &sig.inputs {
        if let FnArg::Typed(arg) = input
            && let Pat::Ident(name) = arg.pat.as_ref()
        {
            let encoding = match (name.ident == "body", form) {
                (true, true) => " (form)",
                (true, false) => " (json)",
                (false, _) => "",
            };
            let _ = writeln!(out, "  {}{encoding}: {}", name.ident, type_name(&arg.ty));
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        let args = generic_args(ty);
        if let [ok, err] = args.as_slice() {
            let ok = generic_args(ok)
                .first()
                .map(type_name)
                .unwrap_or_else(|| type_name(ok));
            let err = generic_args(err)
                .first()
                .map(type_name)
                .unwrap_or_else(|| "()".into());
            let _ = writeln!(out, "  -> {ok}");
            let _ = writeln!(out, "  error body: {err}");
        }
    }
}

fn describe_type(out: &mut String, item: &Item) {
    match item {
        Item::Struct(s) => {
            let _ = write!(out, "\nstruct {}", s.ident);
            match &s.fields {
                Fields::Named(fields) => {
                    out.push('\n');
                    for f in &fields.named {
                        let name = f
                            .ident
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        let json = serde_rename(&f.attrs)
                            .map(|r| format!(" (json \"{r}\")"))
                            .or_else(|| is_flatten(&f.attrs).then(|| " (other members)".to_owned()))
                            .unwrap_or_default();
                        let _ = writeln!(out, "  {name}{json}: {}", type_name(&f.ty));
                    }
                }
                Fields::Unnamed(fields) => {
                    let inner: Vec<String> =
                        fields.unnamed.iter().map(|f| type_name(&f.ty)).collect();
                    let _ = writeln!(out, "({})", inner.join(", "));
                }
                Fields::Unit => out.push('\n'),
            }
        }
        Item::Enum(e) => {
            let _ = writeln!(out, "\nenum {}", e.ident);
            for v in &e.variants {
                let json = serde_rename(&v.attrs)
                    .map(|r| format!(" = \"{r}\""))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {}{json}", v.ident);
            }
        }
        Item::Type(t) => {
            let _ = writeln!(out, "\ntype {} = {}", t.ident, type_name(&t.ty));
        }
        _ => {}
    }
}

/// The type arguments of the last path segment of `ty` (`Result<A, B>` → `[A, B]`).
fn generic_args(ty: &Type) -> Vec<Type> {
    let Type::Path(path) = ty else {
        return Vec::new();
    };
    let Some(last) = path.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

fn doc_text(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = String> + '_ {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.meta.to_token_stream().to_string())
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    serde_attrs(attrs).find_map(|s| {
        let rest = &s[s.find("rename = \"")? + "rename = \"".len()..];
        Some(rest[..rest.find('"')?].to_owned())
    })
}

fn is_flatten(attrs: &[Attribute]) -> bool {
    serde_attrs(attrs).any(|s| s.contains("flatten"))
}

fn type_name(ty: &Type) -> String {
    tidy(&ty.to_token_stream().to_string())
}

/// Turns a token string (`:: std :: option :: Option < & 'a str >`) into the short form a
/// reader expects (`Option<&str>`).
fn tidy(tokens: &str) -> String {
    let chars: Vec<char> = tokens.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut s = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            if (prev.is_some_and(word) && next.is_some_and(word)) || prev == Some(',') {
                s.push(' ');
            }
            continue;
        }
        s.push(c);
    }
    let s = s.replace("&'a ", "&").replace("&'a", "&");
    [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::std::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "::uuid::",
    ]
    .iter()
    .fold(s, |s, prefix| s.replace(prefix, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_shortens_paths_and_lifetimes() {
        assert_eq!(
            tidy(":: std :: option :: Option < & 'a str >"),
            "Option<&str>"
        );
        assert_eq!(
            tidy(":: std :: vec :: Vec < :: chrono :: DateTime < :: chrono :: offset :: Utc > >"),
            "Vec<DateTime<Utc>>"
        );
    }

    #[test]
    fn describes_operations_and_types() {
        let code = r#"
            pub mod types {
                pub struct Thing {
                    #[serde(rename = "@type")]
                    pub type_: ::std::option::Option<::std::string::String>,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                pub enum Kind { #[serde(rename = "a_b")] AB }
            }
            impl Client {
                #[doc = "Get a thing\n\nSends a `GET` request to `/things/{id}`\n"]
                pub async fn thing<'a>(&'a self, id: &'a str)
                    -> Result<ResponseValue<types::Thing>, Error<types::Problem>> { todo!() }
            }
        "#;
        let text = describe(code).unwrap();
        assert_eq!(
            text,
            "# Operations\n\nthing: GET /things/{id}\n  id: &str\n  -> types::Thing\n  error body: types::Problem\n\
             \n# Types\n\nstruct Thing\n  type_ (json \"@type\"): Option<String>\n  extra (other members): Map<String, Value>\n\
             \nenum Kind\n  AB = \"a_b\"\n"
        );
    }
}
