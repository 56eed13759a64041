//! Keeps tokendesk-core's modules free of cycles, and its layers pointing one way.
//!
//! Reads every `src/**/*.rs`, collects the modules each file names in code — `crate::a::b`,
//! grouped `use crate::{a, b::{c, d}}`, `super::x`, `self::x`, and a child by its bare name
//! (`child::x`, as `lib.rs` re-exports) — and resolves each to the deepest module that has a
//! file. Comments (doc comments included), string and char literals, and `#[cfg(test)]` items
//! are left out: a test may reach anywhere. `mod child;` declarations are not edges; a child
//! naming `super::sibling` is an edge to the sibling, and a child naming `super::X` an edge to
//! its parent. The crate root only declares modules and re-exports: `crate::Error` counts as
//! the module the root re-exports it from.
//!
//! Then it finds the strongly connected parts of that graph and fails naming one cycle through
//! each, with the path that makes each step, e.g.
//! `error -> securid::users (crate::securid::users::LookupBy) -> error (crate::error::Error)`.
//! The reader is a small lexer, not the compiler: an inline non-test `mod x { .. }` counts as
//! its file, and macros that build paths are not seen. docs/architecture.md draws the layers.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// The crate root's name in the graph.
const ROOT: &str = "crate";

/// Modules that must import no module of the crate but each other: the shared vocabulary.
const LEAVES: &[&str] = &[
    "vocab",
    "catalog",
    "secret",
    "clock",
    "text",
    "securid::locks",
];

/// One folder per server vendor.
const VENDORS: &[&str] = &["centagate", "securid"];

/// What sits above the vendor folders: a vendor module never names these. (`profile`, one
/// profile's settings, is below them: each vendor's draft builds one.)
const ABOVE_VENDORS: &[&str] = &[
    "backend",
    "profiles",
    "credentials",
    "ops",
    "sign_in",
    "confirm",
    "bulk",
    "profile_changes",
    "audit",
];

/// Module → module it names → the first path in the source that made the edge.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

#[test]
fn core_has_no_module_cycle() {
    let graph = core_graph();
    let bare = bare(&graph);
    let knots = knots(&bare);
    let described: Vec<String> = find_cycles(&bare)
        .iter()
        .map(|cycle| {
            let knot = knots.iter().find(|k| k.contains(&cycle[0])).unwrap();
            let members: Vec<&str> = knot.iter().map(String::as_str).collect();
            format!(
                "{}\n    (one cycle among these {} modules, which all reach each other: {})",
                describe(cycle, &graph),
                members.len(),
                members.join(", ")
            )
        })
        .collect();
    assert!(
        described.is_empty(),
        "tokendesk-core has module cycles; break each by moving what both sides need into a \
         lower module (see docs/architecture.md):\n  {}",
        described.join("\n  ")
    );
}

#[test]
fn the_graph_is_really_read() {
    // Guards the check above against passing because nothing was found.
    let graph = core_graph();
    for module in [
        "ops",
        "backend",
        "error",
        "centagate::client",
        "securid::client",
        "vocab",
    ] {
        assert!(graph.contains_key(module), "module {module} not found");
    }
    let edges: usize = graph.values().map(BTreeMap::len).sum();
    assert!(edges >= 40, "only {edges} edges read: {graph:#?}");
    assert!(graph["error"].contains_key("vocab"), "{:?}", graph["error"]);
    assert!(graph["securid::client"].contains_key("securid::users"));
    assert!(
        graph["backend"].contains_key("securid::profile"),
        "{:?}",
        graph["backend"]
    );
}

#[test]
fn leaves_stay_leaves() {
    let graph = core_graph();
    let mut wrong = Vec::new();
    for leaf in LEAVES {
        let Some(targets) = graph.get(*leaf) else {
            panic!("leaf {leaf} not found");
        };
        for (to, via) in targets {
            if !LEAVES.contains(&to.as_str()) {
                wrong.push(format!("{leaf} -> {to} ({via})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a leaf module imports beyond the leaves:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn vendor_folders_reach_neither_up_nor_sideways() {
    let graph = core_graph();
    let vendor_of = |m: &str| VENDORS.iter().find(|v| in_folder(m, v)).copied();
    let mut wrong = Vec::new();
    for (from, targets) in &graph {
        let Some(vendor) = vendor_of(from) else {
            continue;
        };
        for (to, via) in targets {
            let up = ABOVE_VENDORS.iter().any(|a| in_folder(to, a));
            let sideways = vendor_of(to).is_some_and(|v| v != vendor);
            if up || sideways {
                wrong.push(format!("{from} -> {to} ({via})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a vendor module imports another vendor or a layer above the vendors:\n  {}",
        wrong.join("\n  ")
    );
}

// ------------------------------------------------------------------ the finder, on its own

fn hand_made(edges: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in edges {
        g.entry((*a).into()).or_default().insert((*b).into());
        g.entry((*b).into()).or_default();
    }
    g
}

#[test]
fn the_finder_names_a_hand_made_cycle() {
    let g = hand_made(&[
        ("ops", "error"),
        ("error", "securid::users"),
        ("securid::users", "validate"),
        ("validate", "error"),
        ("validate", "vocab"),
    ]);
    assert_eq!(
        find_cycles(&g),
        [vec!["error", "securid::users", "validate", "error"]]
    );
}

#[test]
fn the_finder_names_one_cycle_per_knot() {
    let g = hand_made(&[("a", "b"), ("b", "a"), ("c", "d"), ("d", "e"), ("e", "c")]);
    assert_eq!(
        find_cycles(&g),
        [vec!["a", "b", "a"], vec!["c", "d", "e", "c"]]
    );
}

#[test]
fn the_finder_passes_a_hand_made_acyclic_graph() {
    let g = hand_made(&[
        ("ops", "centagate::client"),
        ("ops", "error"),
        ("centagate::client", "error"),
        ("centagate::client", "vocab"),
        ("error", "vocab"),
    ]);
    assert!(find_cycles(&g).is_empty());
}

#[test]
fn references_are_read_as_the_compiler_reads_them() {
    let modules: BTreeSet<String> = [
        ROOT,
        "error",
        "vocab",
        "securid",
        "securid::key",
        "securid::jwt",
        "securid::users",
        "centagate",
        "centagate::client",
        "transport",
        "hidden",
    ]
    .map(String::from)
    .into();
    let source = r##"
        //! Names crate::hidden in a doc comment only.
        use std::sync::Arc;
        use crate::{error::{self, Error}, vocab::Field};
        use super::jwt::Clock;
        /// See [`crate::hidden::X`]. /* crate::hidden */
        fn f() -> &'static str {
            let _ = crate::centagate::client::check_admin_segment("a");
            let _ = super::super::transport::MAX;
            let c = 'x'; let q = '"'; let e = '\'';
            /* nested /* crate::hidden */ still a comment crate::hidden */
            "crate::hidden in a string"
        }
        fn g<'a>(s: &'a str) -> &'a str { r#"super::users"# ; s }
        #[cfg(test)]
        mod tests {
            use crate::hidden::Everything;
        }
        #[cfg(test)]
        use crate::hidden::Y;
        use crate::Secret;
    "##;
    let mut reexports = BTreeMap::new();
    reexports.insert("Secret".to_owned(), "securid".to_owned());
    let edges = edges_of(
        source,
        "securid::key",
        &modules,
        &BTreeSet::new(),
        &reexports,
    );
    let targets: BTreeSet<&str> = edges.keys().map(String::as_str).collect();
    assert_eq!(
        targets,
        BTreeSet::from([
            "centagate::client",
            "error",
            "securid",
            "securid::jwt",
            "transport",
            "vocab"
        ]),
        "{edges:#?}"
    );
    assert_eq!(edges["vocab"], "crate::vocab::Field");
}

#[test]
fn a_parent_declaring_its_children_does_not_depend_on_them() {
    let modules: BTreeSet<String> = [ROOT, "securid", "securid::key", "securid::jwt", "error"]
        .map(String::from)
        .into();
    let children = BTreeSet::from(["key".to_owned(), "jwt".to_owned()]);
    let none = BTreeMap::new();
    let source = "pub mod jwt;\npub mod key;\npub const ENV: &str = \"X\";\n";
    assert!(edges_of(source, "securid", &modules, &children, &none).is_empty());
    let uses = "pub mod key;\npub use key::SecurIdKey;\nfn f() { self::jwt::go() }\n";
    let edges = edges_of(uses, "securid", &modules, &children, &none);
    assert_eq!(
        edges.keys().collect::<Vec<_>>(),
        ["securid::jwt", "securid::key"]
    );
    let child = edges_of(
        "use super::ENV; use super::jwt::X;",
        "securid::key",
        &modules,
        &none_set(),
        &none,
    );
    assert_eq!(
        child.keys().collect::<Vec<_>>(),
        ["securid", "securid::jwt"]
    );
}

fn none_set() -> BTreeSet<String> {
    BTreeSet::new()
}

// ------------------------------------------------------------------ reading the crate

fn core_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = module_files(&src);
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let code: BTreeMap<&String, String> = files
        .iter()
        .map(|(m, path)| {
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (m, without_test_items(&strip_comments_and_literals(&text)))
        })
        .collect();
    let reexports = root_reexports(&code[&ROOT.to_owned()], &modules);
    let mut graph = Graph::new();
    for (module, text) in &code {
        let children = declared_children(text);
        let edges = edges_of_code(text, module, &modules, &children, &reexports);
        graph.insert((*module).clone(), edges);
    }
    graph.remove(ROOT);
    graph
}

/// Every module with a file: `lib.rs` is the root, `a.rs` and `a/mod.rs` are `a`, `a/b.rs`
/// is `a::b`.
fn module_files(src: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut deeper = prefix.to_vec();
                deeper.push(name);
                walk(&path, &deeper, out);
            } else if let Some(stem) = name.strip_suffix(".rs") {
                let mut segments = prefix.to_vec();
                if prefix.is_empty() && stem == "lib" {
                    out.insert(ROOT.to_owned(), path);
                    continue;
                }
                if stem != "mod" {
                    segments.push(stem.to_owned());
                }
                out.insert(segments.join("::"), path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, &[], &mut out);
    out
}

/// The modules `source` names, as the module `module` (test helper: strips first).
fn edges_of(
    source: &str,
    module: &str,
    modules: &BTreeSet<String>,
    children: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let code = without_test_items(&strip_comments_and_literals(source));
    let mut children = children.clone();
    children.extend(declared_children(&code));
    edges_of_code(&code, module, modules, &children, reexports)
}

/// The modules already-stripped `code` names, each with the first path that named it.
fn edges_of_code(
    code: &str,
    module: &str,
    modules: &BTreeSet<String>,
    children: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut edges = BTreeMap::new();
    for path in paths(&tokens(code), children) {
        let Some((target, _)) = resolve(&path, module, modules, reexports) else {
            continue;
        };
        if target != module && target != ROOT {
            edges.entry(target).or_insert_with(|| path.join("::"));
        }
    }
    edges
}

/// What the root re-exports: a name → the module it comes from (`pub use error::Error`).
fn root_reexports(root_code: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let children = declared_children(root_code);
    let mut out = BTreeMap::new();
    for path in paths(&tokens(root_code), &children) {
        if let Some((target, Some(name))) = resolve(&path, ROOT, modules, &BTreeMap::new()) {
            out.insert(name, target);
        }
    }
    out
}

/// The modules `mod name;` declares in a file.
fn declared_children(code: &str) -> BTreeSet<String> {
    let t = tokens(code);
    t.windows(3)
        .filter_map(|w| match w {
            [Tok::Ident(m), Tok::Ident(name), Tok::Semi] if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The deepest module with a file that `path` (as written in `module`) reaches, and the
/// name it goes on to, if any. `None` for a path that leaves the crate.
fn resolve(
    path: &[String],
    module: &str,
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> Option<(String, Option<String>)> {
    let mut base: Vec<String> = if module == ROOT {
        Vec::new()
    } else {
        module.split("::").map(String::from).collect()
    };
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            base.clear();
            rest = &path[1..];
        }
        "self" => rest = &path[1..],
        "super" => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => {} // a child named bare: relative to this module
    }
    let rest: Vec<&String> = rest.iter().filter(|s| *s != "self").collect();
    let name_of = |segs: &[String]| {
        if segs.is_empty() {
            ROOT.to_owned()
        } else {
            segs.join("::")
        }
    };
    let mut deepest = name_of(&base);
    let mut next = rest.first().map(|s| (*s).clone());
    let mut segs = base.clone();
    for (i, s) in rest.iter().enumerate() {
        segs.push((*s).clone());
        if modules.contains(&name_of(&segs)) {
            deepest = name_of(&segs);
            next = rest.get(i + 1).map(|s| (*s).clone());
        } else {
            break;
        }
    }
    if deepest == ROOT {
        if let Some(target) = next.as_ref().and_then(|n| reexports.get(n)) {
            return Some((target.clone(), None));
        }
    }
    Some((deepest, next))
}

// ------------------------------------------------------------------ a small Rust lexer

/// Source with comments removed and every string, byte string, raw string and char literal
/// emptied, so nothing inside them is read as code. Lifetimes are kept.
fn strip_comments_and_literals(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if let Some((hashes, open)) = raw_string_at(&c, i) {
            let mut j = open + 1;
            while j < c.len() && !(c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#')) {
                j += 1;
            }
            out.push_str("\"\"");
            i = j + 1 + hashes;
        } else if ch == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\'', '\u{1F600}') or a lifetime ('a, 'static).
            if at(i + 1) == '\\' {
                let mut j = i + 3; // past the backslash and the escaped character
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                out.push_str("' '");
                i = j + 1;
            } else if at(i + 2) == '\'' {
                out.push_str("' '");
                i += 3;
            } else {
                out.push(ch);
                i += 1;
            }
        } else {
            out.push(ch);
            i += 1;
        }
    }
    out
}

/// At a raw string (`r"..."`, `r#"..."#`, `br"..."`): its number of `#` and where its
/// opening quote is.
fn raw_string_at(c: &[char], i: usize) -> Option<(usize, usize)> {
    let after_prefix = match (c.get(i), c.get(i + 1)) {
        (Some('r'), _) => i + 1,
        (Some('b'), Some('r')) => i + 2,
        _ => return None,
    };
    if i > 0 && ident_char(c[i - 1]) {
        return None; // the end of a longer identifier
    }
    let mut j = after_prefix;
    while c.get(j) == Some(&'#') {
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some((j - after_prefix, j))
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Stripped code without the items marked `#[cfg(test)]` (a `mod tests { .. }`, a `use`, a
/// function), attributes and all.
fn without_test_items(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '#' && is_cfg_test(&c[i..]) {
            i = end_of_item(&c, i);
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// True when `c` starts with `#[cfg(test)]`, spaces allowed.
fn is_cfg_test(c: &[char]) -> bool {
    let compact: String = c.iter().take(40).filter(|ch| !ch.is_whitespace()).collect();
    compact.starts_with("#[cfg(test)]")
}

/// Where the item that starts at `start` (with its attributes) ends: after its `;` or its
/// closing `}`, whichever comes first outside brackets and parentheses.
fn end_of_item(c: &[char], start: usize) -> usize {
    let mut i = start;
    let mut depth = 0i32; // ( and [
    while i < c.len() {
        match c[i] {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ';' if depth == 0 => return i + 1,
            '{' if depth == 0 => {
                let mut braces = 0;
                while i < c.len() {
                    match c[i] {
                        '{' => braces += 1,
                        '}' => {
                            braces -= 1;
                            if braces == 0 {
                                return i + 1;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Star,
    Semi,
    Other(char),
}

fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ident_char(ch) {
            let start = i;
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            out.push(match ch {
                '{' => Tok::Open,
                '}' => Tok::Close,
                ',' => Tok::Comma,
                '*' => Tok::Star,
                ';' => Tok::Semi,
                other => Tok::Other(other),
            });
            i += 1;
        }
    }
    out
}

/// Every in-crate path in the tokens, groups expanded: `crate::{a, b::{c, d}}` gives
/// `crate::a`, `crate::b::c`, `crate::b::d`. A path starts at `crate`, `super`, `self` or a
/// declared child's name, followed by `::`, and not itself after `::` or `$`.
fn paths(t: &[Tok], children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let starts = match &t[i] {
            Tok::Ident(s) => {
                matches!(s.as_str(), "crate" | "super" | "self") || children.contains(s)
            }
            _ => false,
        };
        let after_sep = i > 0 && matches!(t[i - 1], Tok::PathSep | Tok::Other('$'));
        if starts && !after_sep && t.get(i + 1) == Some(&Tok::PathSep) {
            i = tree(t, i, Vec::new(), &mut out);
        } else {
            i += 1;
        }
    }
    out
}

/// Reads one use-tree (or expression path) at `i` below `prefix`; returns where it ends.
fn tree(t: &[Tok], mut i: usize, mut path: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    loop {
        match t.get(i) {
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                i += 1;
            }
            Some(Tok::Open) => {
                i += 1;
                while i < t.len() && t[i] != Tok::Close {
                    if t[i] == Tok::Comma {
                        i += 1;
                        continue;
                    }
                    let before = i;
                    i = tree(t, i, path.clone(), out);
                    if i == before {
                        i += 1; // something unexpected inside the group: step over it
                    }
                }
                return i + 1;
            }
            Some(Tok::Star) => {
                out.push(path);
                return i + 1;
            }
            _ => {
                if !path.is_empty() {
                    out.push(path);
                }
                return i;
            }
        }
        if t.get(i) == Some(&Tok::PathSep) {
            i += 1;
        } else {
            out.push(path);
            return i;
        }
    }
}

// ------------------------------------------------------------------ the cycle finder

fn bare(graph: &Graph) -> BTreeMap<String, BTreeSet<String>> {
    graph
        .iter()
        .map(|(m, targets)| (m.clone(), targets.keys().cloned().collect()))
        .collect()
}

/// One cycle through each knot of the graph (each strongly connected part of more than one
/// module), as `[a, b, .., a]`: the shortest way back to the knot's first module by name.
fn find_cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut cycles = Vec::new();
    for knot in knots(graph) {
        if knot.len() < 2 {
            continue;
        }
        let start = knot.iter().next().unwrap().clone();
        // Breadth-first inside the knot, from start back to start.
        let mut came_from: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = VecDeque::from([start.clone()]);
        'search: while let Some(m) = queue.pop_front() {
            for next in graph.get(&m).into_iter().flatten() {
                if !knot.contains(next) {
                    continue;
                }
                if *next == start {
                    came_from.insert(start.clone(), m.clone());
                    break 'search;
                }
                if !came_from.contains_key(next) {
                    came_from.insert(next.clone(), m.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        let mut cycle = vec![start.clone()];
        let mut at = came_from[&start].clone();
        while at != start {
            cycle.push(at.clone());
            at = came_from[&at].clone();
        }
        cycle.push(start);
        cycle.reverse();
        cycles.push(cycle);
    }
    cycles.sort();
    cycles
}

/// The strongly connected parts of the graph (Tarjan), each as a sorted set.
fn knots(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        next: usize,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut knot = BTreeSet::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                knot.insert(w.to_owned());
                if w == v {
                    break;
                }
            }
            s.out.push(knot);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// `a -> b (crate::b::X) -> a (super::a::Y)`: each step with the path that makes it.
fn describe(cycle: &[String], graph: &Graph) -> String {
    let mut text = cycle[0].clone();
    for pair in cycle.windows(2) {
        let via = &graph[&pair[0]][&pair[1]];
        text.push_str(&format!(" -> {} ({via})", pair[1]));
    }
    text
}

/// True when `module` is `folder` or inside it.
fn in_folder(module: &str, folder: &str) -> bool {
    module == folder || module.starts_with(&format!("{folder}::"))
}
