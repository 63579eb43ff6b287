#[memprof::profile]
#[path = "modules/parser.rs"]
mod parser;

fn main() {}
