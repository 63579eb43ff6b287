// Arguments of `#[profile(...)]`, parsed strictly: an unknown or duplicate
// key, or a size that does not parse, is a spanned error that lists the
// accepted forms.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, MetaNameValue, Token};

/// The accepted forms, for error messages.
const ACCEPTED: &str = "`#[memprof::profile]`, `#[memprof::profile(max_peak = \"24 MiB\")]`, \
                        `#[memprof::profile(max_increment = \"0 B\")]`, \
                        `#[memprof::profile(max_retained = \"1 MiB\")]`, or several of these keys";

/// A memory budget: a limit in bytes, and how the user wrote it.
pub(crate) struct Budget {
    pub(crate) bytes: u64,
    pub(crate) text: String,
}

/// The parsed arguments.
#[derive(Default)]
pub(crate) struct Args {
    /// Largest rise of the thread's live bytes above their value at entry,
    /// over one call.
    pub(crate) max_peak: Option<Budget>,
    /// Largest net bytes (allocated minus freed) one call may leave behind.
    pub(crate) max_increment: Option<Budget>,
    /// Largest bytes one call's lines may have allocated and left live when
    /// it returns.
    pub(crate) max_retained: Option<Budget>,
}

// Input: the tokens between the parentheses of `#[profile(...)]`.
// Output: `Args`, or an error spanned on the offending key or value.
pub(crate) fn parse(args: TokenStream) -> syn::Result<Args> {
    let mut parsed = Args::default();
    if args.is_empty() {
        return Ok(parsed);
    }
    let pairs = Punctuated::<MetaNameValue, Token![,]>::parse_terminated
        .parse2(args)
        .map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("memprof: expected `key = \"size\"` arguments; accepted: {ACCEPTED}"),
            )
        })?;
    for pair in pairs {
        let key = pair.path.get_ident().map(ToString::to_string);
        let slot = match key.as_deref() {
            Some("max_peak") => &mut parsed.max_peak,
            Some("max_increment") => &mut parsed.max_increment,
            Some("max_retained") => &mut parsed.max_retained,
            _ => {
                return Err(syn::Error::new_spanned(
                    &pair.path,
                    format!(
                        "memprof: unknown argument `{}`; accepted: {ACCEPTED}",
                        pair.path.to_token_stream().to_string().replace(' ', "")
                    ),
                ))
            }
        };
        if slot.is_some() {
            return Err(syn::Error::new_spanned(
                &pair.path,
                format!(
                    "memprof: duplicate argument `{}`; each key may appear once; accepted: \
                     {ACCEPTED}",
                    key.unwrap_or_default()
                ),
            ));
        }
        let literal = match &pair.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => s,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "memprof: a budget is a size in quotes, like \"24 MiB\" or \"0 B\"",
                ))
            }
        };
        *slot = Some(parse_budget(literal)?);
    }
    Ok(parsed)
}

fn parse_budget(literal: &LitStr) -> syn::Result<Budget> {
    let text = literal.value();
    parse_size(&text)
        .map(|bytes| Budget {
            bytes,
            text: text.clone(),
        })
        .ok_or_else(|| {
            syn::Error::new(
                literal.span(),
                format!(
                    "memprof: {text:?} is not a size; write a number and a unit: B, KB, KiB, MB, \
                     MiB, GB or GiB (like \"24 MiB\" or \"1.5 GB\")"
                ),
            )
        })
}

/// `"24 MiB"` → 25,165,824. Decimal units (KB, MB, GB) are powers of 1000,
/// binary ones (KiB, MiB, GiB) of 1024.
pub(crate) fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let multiplier: u64 = match unit.trim() {
        "B" => 1,
        "KB" => 1000,
        "KiB" => 1 << 10,
        "MB" => 1000 * 1000,
        "MiB" => 1 << 20,
        "GB" => 1000 * 1000 * 1000,
        "GiB" => 1 << 30,
        _ => return None,
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return None;
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if fraction.contains('.') {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let bytes = whole.checked_mul(multiplier)?;
    // The fraction, exactly, rounded down to whole bytes.
    let fraction_bytes = if fraction.is_empty() {
        0
    } else {
        if fraction.len() > 18 {
            return None;
        }
        let numerator: u128 = fraction.parse().ok()?;
        let denominator = 10u128.pow(fraction.len() as u32);
        u64::try_from(numerator * u128::from(multiplier) / denominator).ok()?
    };
    let bytes = bytes.checked_add(fraction_bytes)?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_in_every_unit() {
        assert_eq!(parse_size("0 B"), Some(0));
        assert_eq!(parse_size("24 MiB"), Some(24 << 20));
        assert_eq!(parse_size("24MiB"), Some(24 << 20));
        assert_eq!(parse_size("1 KB"), Some(1000));
        assert_eq!(parse_size("1 KiB"), Some(1024));
        assert_eq!(parse_size("3 MB"), Some(3_000_000));
        assert_eq!(parse_size("2 GB"), Some(2_000_000_000));
        assert_eq!(parse_size("2 GiB"), Some(2 << 30));
        assert_eq!(parse_size("1.5 KiB"), Some(1536));
        assert_eq!(parse_size("1.5 GB"), Some(1_500_000_000));
        assert_eq!(parse_size("0.25 MiB"), Some(1 << 18));
    }

    #[test]
    fn anything_else_is_not_a_size() {
        for bad in [
            "", "MiB", "24", "24 MX", "24 mib", "-1 B", "1.2.3 B", ".5 B", "5. B", "1 B B",
        ] {
            assert_eq!(parse_size(bad), None, "{bad:?}");
        }
    }
}
