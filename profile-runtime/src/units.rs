//! Byte figures as people read them: `0 B`, `512 B`, `1.5 KiB`, `98.4 MiB`.
//! Pure functions, shared by every output (and by budget messages).

/// The unit byte figures are shown in.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    /// The largest unit in which the value is at least 1 (the default).
    #[default]
    Auto,
    /// Bytes.
    B,
    /// Kibibytes (1,024 bytes).
    KiB,
    /// Mebibytes (1,048,576 bytes).
    MiB,
    /// Gibibytes (1,073,741,824 bytes).
    GiB,
    /// Kilobytes (1,000 bytes).
    KB,
    /// Megabytes (1,000,000 bytes).
    MB,
    /// Gigabytes (1,000,000,000 bytes).
    GB,
}

impl Unit {
    /// Parses `auto`, `B`, `KiB`, `MiB`, `GiB`, `KB`, `MB` or `GB` (in any
    /// case): the units a budget takes, and `auto`.
    pub fn parse(text: &str) -> Option<Unit> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Some(Unit::Auto),
            "b" => Some(Unit::B),
            "kib" => Some(Unit::KiB),
            "mib" => Some(Unit::MiB),
            "gib" => Some(Unit::GiB),
            "kb" => Some(Unit::KB),
            "mb" => Some(Unit::MB),
            "gb" => Some(Unit::GB),
            _ => None,
        }
    }
}

/// The binary units, largest first: what `Unit::Auto` chooses from.
const STEPS: [(Unit, &str, u64); 4] = [
    (Unit::GiB, "GiB", 1 << 30),
    (Unit::MiB, "MiB", 1 << 20),
    (Unit::KiB, "KiB", 1 << 10),
    (Unit::B, "B", 1),
];

/// The decimal units, which only a fixed unit uses.
const DECIMAL: [(Unit, &str, u64); 3] = [
    (Unit::GB, "GB", 1_000_000_000),
    (Unit::MB, "MB", 1_000_000),
    (Unit::KB, "KB", 1_000),
];

/// The largest unit in which `magnitude` bytes is at least 1: its name and
/// size in bytes.
pub(crate) fn auto_unit(magnitude: u128) -> (&'static str, u64) {
    STEPS
        .iter()
        .find(|(_, _, size)| magnitude >= u128::from(*size))
        .map_or(("B", 1), |(_, name, size)| (*name, *size))
}

/// Formats a byte count. With `Unit::Auto` the largest unit in which the
/// value is at least 1 is used; bytes are always whole, larger units get
/// `precision` decimals.
pub(crate) fn format_bytes(value: i128, unit: Unit, precision: usize) -> String {
    let magnitude = value.unsigned_abs();
    let (name, size) = match unit {
        Unit::Auto => auto_unit(magnitude),
        fixed => STEPS
            .iter()
            .chain(&DECIMAL)
            .find(|(u, _, _)| *u == fixed)
            .map_or(("B", 1), |(_, name, size)| (*name, *size)),
    };
    if size == 1 {
        return format!("{value} {name}");
    }
    format!("{:.*} {name}", precision, value as f64 / size as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_scales_to_the_largest_whole_unit() {
        assert_eq!(format_bytes(0, Unit::Auto, 1), "0 B");
        assert_eq!(format_bytes(1023, Unit::Auto, 1), "1023 B");
        assert_eq!(format_bytes(1024, Unit::Auto, 1), "1.0 KiB");
        assert_eq!(format_bytes(1536, Unit::Auto, 1), "1.5 KiB");
        assert_eq!(format_bytes(1 << 20, Unit::Auto, 1), "1.0 MiB");
        assert_eq!(format_bytes(103_200_000, Unit::Auto, 1), "98.4 MiB");
        assert_eq!(format_bytes(3 << 30, Unit::Auto, 2), "3.00 GiB");
        assert_eq!(format_bytes(-(1 << 20), Unit::Auto, 1), "-1.0 MiB");
        assert_eq!(format_bytes(-12, Unit::Auto, 1), "-12 B");
    }

    #[test]
    fn a_fixed_unit_is_used_for_every_value() {
        assert_eq!(format_bytes(1 << 20, Unit::KiB, 0), "1024 KiB");
        assert_eq!(format_bytes(512, Unit::MiB, 4), "0.0005 MiB");
        assert_eq!(format_bytes(1 << 20, Unit::B, 3), "1048576 B");
        assert_eq!(format_bytes(1_500_000, Unit::MB, 1), "1.5 MB");
        assert_eq!(format_bytes(2_048, Unit::KB, 3), "2.048 KB");
        assert_eq!(format_bytes(3_000_000_000, Unit::GB, 0), "3 GB");
    }
}
