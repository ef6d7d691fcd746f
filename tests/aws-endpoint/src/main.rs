//! `aws-endpoint`: run the test endpoint as a process (for the benchmark, the e2e suite or by hand).

use std::io::Write;
use std::process::ExitCode;

use aws_endpoint::{synth, Aggregator, Dataset, Endpoint, Faults};

const USAGE: &str = "\
usage: aws-endpoint [options]

  --port N                    port on 127.0.0.1 (default 0 = any free port)
  --port-file PATH            write the bound port there once listening
  --dataset FILE.json         load {account, securityhub, inspector, coverage, config_rules, aggregator, conformance_packs}
  --account ID                account for synthetic data and STS (default 123456789012, or the dataset's)
  --regions R1,R2             regions for synthetic data (default us-east-1)
  --seed S                    seed for synthetic data (default 1)
  --synth-securityhub N       add N synthetic Security Hub findings
  --synth-inspector N         add N synthetic Inspector2 findings
  --synth-coverage N          add N synthetic Inspector2 covered resources
  --synth-config-rules N      add N synthetic Config rules per region
  --results-per-rule M        evaluation results per synthetic rule (default 5)
  --aggregator HOME:MODE[:R1,R2]  Security Hub finding aggregator (MODE: ALL_REGIONS, SPECIFIED_REGIONS,
                              ALL_REGIONS_EXCEPT_SPECIFIED, NO_REGIONS)
faults (data requests only):
  --fault-seed S              seed of the fault dice (default 0)
  --throttle-rate F           fraction answered with a throttling error
  --error-500-rate F          fraction answered 500
  --error-503-rate F          fraction answered 503
  --drop-connections N        close the connection without answer for the next N requests
  --slow-rate F --slow-ms MS  fraction of answers delayed by MS milliseconds
  --invalid-json N            spoil the body of the next N successful answers
  --deny-regions R1,R2        403 AccessDeniedException for requests signed for these regions
  --retry-after-secs N        throttling answers carry Retry-After: N
  --disable-quotas            no per-region request quotas
";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("aws-endpoint: {msg}");
            ExitCode::from(2)
        }
    }
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: invalid value {value:?}"))
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut port: u16 = 0;
    let mut port_file = None;
    let mut dataset_file = None;
    let mut account = None;
    let mut regions = vec!["us-east-1".to_string()];
    let mut seed: u64 = 1;
    let (mut n_sh, mut n_insp, mut n_cov, mut n_rules, mut per_rule) = (0usize, 0usize, 0usize, 0usize, 5usize);
    let mut aggregator = None;
    let mut faults = Faults::default();

    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            print!("{USAGE}");
            return Ok(());
        }
        if flag == "--disable-quotas" {
            faults.disable_quotas = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let v = value.as_str();
        match flag.as_str() {
            "--port" => port = parse(&flag, v)?,
            "--port-file" => port_file = Some(value),
            "--dataset" => dataset_file = Some(value),
            "--account" => account = Some(value),
            "--regions" => regions = list(v),
            "--seed" => seed = parse(&flag, v)?,
            "--synth-securityhub" => n_sh = parse(&flag, v)?,
            "--synth-inspector" => n_insp = parse(&flag, v)?,
            "--synth-coverage" => n_cov = parse(&flag, v)?,
            "--synth-config-rules" => n_rules = parse(&flag, v)?,
            "--results-per-rule" => per_rule = parse(&flag, v)?,
            "--aggregator" => {
                let mut parts = v.splitn(3, ':');
                let home = parts.next().unwrap_or_default().to_string();
                let mode = parts.next().unwrap_or("ALL_REGIONS").to_string();
                let linked = parts.next().map(list).unwrap_or_default();
                aggregator = Some(Aggregator {
                    home_region: home,
                    linking_mode: mode,
                    regions: linked,
                });
            }
            "--fault-seed" => faults.seed = parse(&flag, v)?,
            "--throttle-rate" => faults.throttle_rate = parse(&flag, v)?,
            "--error-500-rate" => faults.error_500_rate = parse(&flag, v)?,
            "--error-503-rate" => faults.error_503_rate = parse(&flag, v)?,
            "--drop-connections" => faults.drop_connections = parse(&flag, v)?,
            "--slow-rate" => faults.slow_rate = parse(&flag, v)?,
            "--slow-ms" => faults.slow_ms = parse(&flag, v)?,
            "--invalid-json" => faults.invalid_json = parse(&flag, v)?,
            "--deny-regions" => faults.deny_regions = list(v),
            "--retry-after-secs" => faults.retry_after_secs = Some(parse(&flag, v)?),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }

    let mut dataset = match &dataset_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--dataset {path}: {e}"))?;
            serde_json::from_str::<Dataset>(&text).map_err(|e| format!("--dataset {path}: {e}"))?
        }
        None => Dataset::default(),
    };
    if let Some(account) = account {
        dataset.account = account;
    } else if dataset.account.is_empty() {
        dataset.account = "123456789012".into();
    }
    let region_refs: Vec<&str> = regions.iter().map(String::as_str).collect();
    let acct = dataset.account.clone();
    dataset
        .securityhub
        .extend(synth::securityhub_findings(n_sh, &acct, &region_refs, seed));
    dataset
        .inspector
        .extend(synth::inspector_findings(n_insp, &acct, &region_refs, seed));
    dataset
        .coverage
        .extend(synth::coverage(n_cov, &acct, &region_refs, seed));
    if n_rules > 0 {
        dataset
            .config_rules
            .extend(synth::config_rules(n_rules, per_rule, &region_refs, seed));
    }
    if aggregator.is_some() {
        dataset.aggregator = aggregator;
    }

    let endpoint = Endpoint::start_on(port, dataset, faults).map_err(|e| format!("cannot listen: {e}"))?;
    if let Some(path) = port_file {
        // Write then rename, so a watcher never reads a half-written file.
        let tmp = format!("{path}.tmp");
        std::fs::write(&tmp, endpoint.port().to_string()).map_err(|e| format!("--port-file {path}: {e}"))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("--port-file {path}: {e}"))?;
    }
    println!("listening on {}", endpoint.url());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
