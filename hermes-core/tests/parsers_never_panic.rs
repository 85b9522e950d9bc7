//! The fuzz targets' inputs as property tests (the CI smoke run of `fuzz/`): every parser returns a value
//! or a typed error on arbitrary input, never panics.

use hermes_core::{Inventory, RetentionPolicy, Schedule};
use proptest::prelude::*;

fn inventory_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[g]".to_string()),
        Just("[g:vars]".to_string()),
        Just("[g:children]".to_string()),
        "[a-z]{1,6}(\\[[0-9]{1,2}:[0-9]{1,2}\\])?( [a-z_]{1,8}=[\"']?[a-z0-9 ]{0,6}[\"']?){0,3}",
        "[ -~]{0,40}",
        "  [a-z]{1,6}: ?[{}\\[\\]a-z0-9:,]{0,20}",
    ];
    prop::collection::vec(line, 0..12).prop_map(|l| l.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn inventory_parsers_never_panic(text in inventory_like()) {
        if let Ok(inv) = Inventory::parse_ini(&text, "p.ini") {
            let _ = inv.hosts();
            let _ = inv.select("all:!g:&*");
        }
        if let Ok(inv) = Inventory::parse_yaml(&text, "p.yml") {
            let _ = inv.hosts();
        }
    }

    #[test]
    fn schedule_and_retention_parsers_never_panic(text in "[ -~]{0,30}") {
        if let Ok(s) = Schedule::parse_utc(&text) {
            let _ = s.upcoming(&chrono::Utc::now(), 2);
        }
        let _ = text.parse::<RetentionPolicy>();
    }

    #[test]
    fn cron_like_inputs_never_panic(expr in "([0-9*/,-]{1,5} ){4}[0-9*/,A-Z-]{1,5}") {
        let _ = Schedule::parse(&expr, "Europe/Berlin").map(|s| s.upcoming(&chrono::Utc::now(), 3));
    }

    #[test]
    fn vault_unseal_never_panics(text in "(HERMES-VAULT 1 argon2id m=[0-9]{1,3},t=1,p=1 xchacha20poly1305\nsalt [A-Za-z0-9+/=]{0,30}\nnonce [A-Za-z0-9+/=]{0,40}\n)?[ -~\n]{0,80}") {
        let _ = hermes_core::vault::Vault::unseal(&text, &hermes_core::Secret::new("pp-pp-pp-pp"), "f");
    }
}
