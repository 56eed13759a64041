//! HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1, as hardware OTP tokens compute them.

use hmac::{Hmac, Mac};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

/// The HOTP value for `counter`, as a zero-padded string of `digits` digits (6..=8).
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha1::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    // Dynamic truncation (RFC 4226 section 5.3).
    let offset = (hash[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    let modulus = 10u64.pow(digits);
    format!(
        "{:0width$}",
        u64::from(binary) % modulus,
        width = digits as usize
    )
}

/// The TOTP time step containing `unix_seconds` for a step of `period` seconds (T0 = 0).
pub fn time_step(unix_seconds: u64, period: u64) -> u64 {
    unix_seconds / period.max(1)
}

/// The TOTP value at `unix_seconds` (RFC 6238 with SHA-1 and T0 = 0).
pub fn totp(secret: &[u8], unix_seconds: u64, period: u64, digits: u32) -> String {
    hotp(secret, time_step(unix_seconds, period), digits)
}

/// Seconds left in the current step of `period` seconds.
pub fn seconds_remaining(unix_seconds: u64, period: u64) -> u64 {
    let period = period.max(1);
    period - unix_seconds % period
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc4226_appendix_d() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(
                hotp(RFC_SECRET, counter as u64, 6),
                *want,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn rfc6238_appendix_b_sha1() {
        let vectors = [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, want) in vectors {
            assert_eq!(totp(RFC_SECRET, time, 30, 8), want, "time {time}");
        }
    }

    #[test]
    fn short_codes_keep_leading_zeros() {
        // 07081804 truncated to six digits keeps its width.
        let code = totp(RFC_SECRET, 1_111_111_109, 30, 6);
        assert_eq!(code, "081804");
    }

    #[test]
    fn step_arithmetic() {
        assert_eq!(time_step(59, 30), 1);
        assert_eq!(seconds_remaining(59, 30), 1);
        assert_eq!(seconds_remaining(60, 30), 30);
    }
}
