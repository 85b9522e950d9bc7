//! Encrypted secrets files (XChaCha20-Poly1305, Argon2id passphrase key): the replacement for the
//! proposal's Fernet script.
//!
//! ```text
//! hermes_secrets encrypt --in plain.yml --out secrets.vault     # plain YAML map name: value
//! hermes_secrets decrypt --in secrets.vault                     # prints the YAML map (exposes values!)
//! hermes_secrets list    --in secrets.vault                     # names only
//! hermes_secrets set     --in secrets.vault NAME                # value from stdin
//! hermes_secrets get     --in secrets.vault NAME                # prints one value
//! ```
//! The passphrase comes from `$HERMES_VAULT_PASSPHRASE` or `--passphrase-file`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hermes_core::vault::Vault;
use hermes_core::Secret;

#[derive(Parser)]
#[command(about = "Encrypt, decrypt and edit Hermes secrets files")]
struct Args {
    /// A file holding the passphrase (default: the passphrase from $HERMES_VAULT_PASSPHRASE).
    #[arg(long, global = true)]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Encrypt a plain YAML map (name: value) into a vault file.
    Encrypt {
        /// The plain YAML file.
        #[arg(long = "in")]
        input: PathBuf,
        /// The vault file to write.
        #[arg(long = "out")]
        output: PathBuf,
    },
    /// Print the decrypted YAML map (this shows every value).
    Decrypt {
        /// The vault file.
        #[arg(long = "in")]
        input: PathBuf,
    },
    /// List the names in a vault.
    List {
        /// The vault file.
        #[arg(long = "in")]
        input: PathBuf,
    },
    /// Print one value.
    Get {
        /// The vault file.
        #[arg(long = "in")]
        input: PathBuf,
        /// The secret's name.
        name: String,
    },
    /// Set one value, read from standard input (created if the vault does not exist).
    Set {
        /// The vault file.
        #[arg(long = "in")]
        input: PathBuf,
        /// The secret's name.
        name: String,
    },
}

fn passphrase(file: &Option<PathBuf>) -> hermes_core::Result<Secret> {
    match file {
        Some(p) => Secret::from_file(p),
        None => Secret::from_env("HERMES_VAULT_PASSPHRASE"),
    }
}

fn run(args: Args) -> hermes_core::Result<()> {
    let pass = passphrase(&args.passphrase_file)?;
    match args.cmd {
        Cmd::Encrypt { input, output } => {
            let text = std::fs::read_to_string(&input)
                .map_err(|e| hermes_core::Error::io(&input, "read", e))?;
            let v = Vault::from_plain_yaml(&text, &input.display().to_string())?;
            v.save(&output, &pass)?;
            eprintln!("sealed {} secret(s) into {}", v.len(), output.display());
        }
        Cmd::Decrypt { input } => {
            print!("{}", Vault::open(&input, &pass)?.to_plain_yaml().as_str())
        }
        Cmd::List { input } => {
            for n in Vault::open(&input, &pass)?.names() {
                println!("{n}");
            }
        }
        Cmd::Get { input, name } => {
            println!("{}", Vault::open(&input, &pass)?.get(&name)?.expose())
        }
        Cmd::Set { input, name } => {
            let mut v = if input.exists() {
                Vault::open(&input, &pass)?
            } else {
                Vault::new()
            };
            let mut value = String::new();
            std::io::stdin()
                .read_to_string(&mut value)
                .map_err(|e| hermes_core::Error::io("stdin", "read", e))?;
            v.insert(
                name.clone(),
                Secret::new(value.trim_end_matches(['\n', '\r'])),
            );
            v.save(&input, &pass)?;
            eprintln!("set {name} in {}", input.display());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hermes_secrets: {e}");
            ExitCode::FAILURE
        }
    }
}
