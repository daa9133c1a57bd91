//! Tests of bundling: multi-file specs in memory, their cycles, names and diagnostics.

use super::super::files::MemoryFiles;
use crate::Diagnostic;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

/// Files in memory that count how often each is read.
#[derive(Default)]
struct Counting {
    files: MemoryFiles,
    reads: RefCell<Vec<PathBuf>>,
}

impl super::SpecFiles for Counting {
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.files.canonical(path)
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.reads.borrow_mut().push(path.to_owned());
        self.files.read(path)
    }
}

fn files(list: &[(&str, &str)]) -> Counting {
    let mut counting = Counting::default();
    for (path, text) in list {
        counting.files.insert(path, *text);
    }
    counting
}

/// The generated files' text, or the diagnostics, one a line.
fn generate(spec: &str, files: &Counting) -> Result<(String, Vec<Diagnostic>), String> {
    crate::generate_from(spec, "spec/api.yaml", Path::new("spec/api.yaml"), files)
        .map(|output| {
            let text = output.files.iter().map(|f| f.contents.clone()).collect::<Vec<_>>().join("\n");
            (text, output.warnings)
        })
        .map_err(|errors| errors.diagnostics.iter().map(|d| format!("{d}\n")).collect())
}

#[test]
fn cycles_across_files_are_read_and_each_file_once() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'b.yaml#/B'}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: 'b.yaml#/B'}}\n"
    );
    let files = files(&[
        (
            "spec/b.yaml",
            "B:\n  type: object\n  properties:\n    a: {$ref: 'api.yaml#/components/schemas/A'}\n    c: {$ref: 'sub/c.json'}\n",
        ),
        (
            "spec/sub/c.json",
            "{\"type\": \"object\", \"properties\": {\"b\": {\"$ref\": \"../b.yaml#/B\"}, \"self\": {\"$ref\": \"#\"}}}",
        ),
    ]);
    let (text, warnings) = generate(&spec, &files).unwrap_or_else(|errors| panic!("{errors}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    for expected in
        ["pub struct A", "pub struct B", "pub struct C", "pub a: Option<Box<A>>", "pub self_: Option<Box<C>>"]
    {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let reads = files.reads.borrow();
    assert_eq!(*reads, [PathBuf::from("spec/b.yaml"), PathBuf::from("spec/sub/c.json")]);
}

#[test]
fn copies_get_unique_names() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Pet: {{type: object, properties: {{other: {{$ref: 'other.yaml#/Pet'}}, again: {{$ref: 'more/other.yaml#/Pet'}}, third: {{$ref: 'third.yaml#/Pet'}}}}}}\n    other_Pet: {{type: string}}\n"
    );
    let files = files(&[
        ("spec/other.yaml", "Pet: {type: integer}\n"),
        ("spec/more/other.yaml", "Pet: {type: boolean}\n"),
        ("spec/third.yaml", "Pet: {type: number}\n"),
    ]);
    let (text, _) = generate(&spec, &files).unwrap_or_else(|errors| panic!("{errors}"));
    for expected in ["pub type Pet2 = i64;", "pub type Pet3 = bool;", "pub type ThirdPet = f64;"] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
}

#[test]
fn problems_in_other_files_name_the_file_the_pointer_and_the_line() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: schemas/a.yaml\n    B:\n      $ref: 'schemas/a.yaml#/nowhere'\n"
    );
    let files = files(&[("spec/schemas/a.yaml", "type: object\nproperties:\n  x:\n    type: decimal\n")]);
    let errors = generate(&spec, &files).err().unwrap_or_default();
    assert_eq!(
        errors,
        "spec/api.yaml: error: #/components/schemas/B/$ref (line 9): unresolved $ref `schemas/a.yaml#/nowhere`: spec/schemas/a.yaml has nothing at `#/nowhere`\n"
            .replace("spec/api.yaml: ", "")
    );
    let spec = spec.replace("schemas/a.yaml#/nowhere", "schemas/a.yaml");
    let errors = generate(&spec, &files).err().unwrap_or_default();
    assert!(
        errors.starts_with("spec/schemas/a.yaml: error: #/properties/x/type (line 4): unknown type `decimal`"),
        "{errors}"
    );
}

#[test]
fn files_that_cannot_be_read_are_errors_at_the_ref() {
    let cases = [
        (
            "missing.yaml",
            "#/components/schemas/A/$ref (line 7): $ref `missing.yaml`: cannot read spec/missing.yaml: no such file",
        ),
        (
            "https://example.com/a.yaml",
            "#/components/schemas/A/$ref (line 7): remote $ref `https://example.com/a.yaml` refused",
        ),
        (
            "dir",
            "#/components/schemas/A/$ref (line 7): $ref `dir`: cannot read spec/dir: it is a directory, not a file",
        ),
        ("bad.yaml", "spec/bad.yaml: error: # (line 3): the document is not valid YAML (line 3"),
        (
            "latin1.yaml",
            "spec/latin1.yaml: error: # (line 2): spec/latin1.yaml is not UTF-8: the byte 0xE9 at offset 24",
        ),
        ("x.yaml#anchor", "the part after `#` must be a JSON pointer"),
    ];
    let mut files = files(&[("spec/bad.yaml", "a: 1\nb: [unclosed\n"), ("spec/dir/x.yaml", "type: string\n")]);
    files.files.insert("spec/latin1.yaml", b"type: s\ndescription: caf\xe9\n".to_vec());
    for (reference, expected) in cases {
        let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '{reference}'\n");
        let errors = generate(&spec, &files).err().unwrap_or_default();
        assert!(errors.contains(expected), "{reference}: {errors}");
    }
    let errors = generate(
        &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: a.yaml}}\n"),
        &Counting::default(),
    );
    assert!(errors.is_err());
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: a.yaml}}\n");
    let errors = crate::generate(&spec, "spec/api.yaml").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(errors.contains("given as text, without its files"), "{errors}");
}

#[test]
fn operations_and_texts_from_other_files_are_read_with_a_warning() {
    let spec = format!("{HEAD}paths:\n  /a:\n    get: {{$ref: 'ops.yaml#/getA'}}\n  /b: {{$ref: 'ops.yaml#/cycle'}}\n");
    let files = files(&[
        (
            "spec/ops.yaml",
            "getA:\n  operationId: getA\n  description: {$ref: 'docs.md'}\n  responses:\n    '204': {description: done}\ncycle: {$ref: '#/cycle'}\n",
        ),
        ("spec/docs.md", "Gets *A*.\n"),
    ]);
    let errors = generate(&spec, &files).err().unwrap_or_default();
    assert!(errors.contains("spec/ops.yaml: error: #/cycle/$ref (line 6): $ref cycle"), "{errors}");
    let spec = spec.replace("  /b: {$ref: 'ops.yaml#/cycle'}\n", "");
    let (text, warnings) = generate(&spec, &files).unwrap_or_else(|errors| panic!("{errors}"));
    assert!(text.contains("/// Gets *A*."), "{text}");
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "warning: #/paths/~1a/get/$ref (line 5): OpenAPI 3.0 allows no $ref in an operation; `ops.yaml#/getA` is read in its place",
            "spec/ops.yaml: warning: #/getA/description/$ref (line 3): OpenAPI 3.0 allows no $ref in a description or summary; `docs.md` is read in its place",
        ]
    );
}

#[test]
fn discriminator_mappings_and_shared_targets_follow_the_copies() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Pet:\n      oneOf: [{{$ref: 'pets.yaml#/Cat'}}, {{$ref: 'dog.yaml'}}]\n      discriminator:\n        propertyName: kind\n        mapping: {{cat: 'pets.yaml#/Cat', dog: 'dog.yaml'}}\n    Feline: {{$ref: 'pets.yaml#/Cat'}}\n    Kitty: {{$ref: 'pets.yaml#/Cat'}}\n"
    );
    let files = files(&[
        (
            "spec/pets.yaml",
            "Cat: {type: object, required: [kind], properties: {kind: {type: string}, meows: {type: boolean}}}\n",
        ),
        ("spec/dog.yaml", "{type: object, required: [kind], properties: {kind: {type: string}}}\n"),
    ]);
    let (text, warnings) = generate(&spec, &files).unwrap_or_else(|errors| panic!("{errors}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    for expected in [
        "pub struct Feline",
        "pub type Kitty = Feline;",
        "pub struct Dog ",
        "/// Tagged `cat`.\n    Feline(Feline),",
        "/// Tagged `dog`.\n    Dog(Dog),",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
}

#[test]
fn copies_in_place_are_bounded() {
    // Each callback holds the next one twice: without a bound, 2^80 copies.
    let mut callbacks = String::new();
    for n in 0..80 {
        let next = n + 1;
        callbacks.push_str(&format!(
            "C{n}:\n  '{{$url}}':\n    post:\n      responses: {{'200': {{description: ok}}}}\n      callbacks: {{a: {{$ref: 'cb.yaml#/C{next}'}}, b: {{$ref: 'cb.yaml#/C{next}'}}}}\n"
        ));
    }
    callbacks.push_str("C80: {}\n");
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    post:\n      responses: {{'200': {{description: ok}}}}\n      callbacks: {{c: {{$ref: 'cb.yaml#/C0'}}}}\n"
    );
    let errors = generate(&spec, &files(&[("spec/cb.yaml", &callbacks)])).err().unwrap_or_default();
    assert!(errors.contains("nest too deep or are too many"), "{errors}");
}

#[test]
fn a_bundled_copy_refers_to_no_other_file() {
    let spec = format!(
        "{HEAD}paths:\n  /a: {{$ref: 'paths.yaml#/a'}}\ncomponents:\n  responses:\n    Ok: {{$ref: 'responses.yaml#/Ok'}}\n"
    );
    let files = files(&[
        ("spec/paths.yaml", "a:\n  get:\n    responses:\n      '200': {$ref: 'api.yaml#/components/responses/Ok'}\n"),
        (
            "spec/responses.yaml",
            "Ok:\n  description: ok\n  content: {application/json: {schema: {$ref: 'schemas.json#/Thing'}}}\n",
        ),
        ("spec/schemas.json", "{\"Thing\": {\"type\": \"string\"}}"),
    ]);
    let bundled = crate::load::bundled(&spec, Path::new("spec/api.yaml"), &files)
        .unwrap_or_else(|errors| panic!("{errors}"))
        .unwrap_or_default();
    let text = serde_json::to_string(&bundled).unwrap_or_default();
    assert!(!text.contains(".yaml") && !text.contains(".json"), "{text}");
    let at = |pointer: &str| bundled.pointer(pointer).cloned().unwrap_or_default();
    assert_eq!(at("/paths/~1a/get/responses/200/$ref"), "#/components/responses/Ok");
    assert_eq!(at("/components/responses/Ok/content/application~1json/schema/$ref"), "#/components/schemas/Thing");
    assert_eq!(at("/components/schemas/Thing/type"), "string");
    let single = format!("{HEAD}paths: {{}}\n");
    assert!(matches!(crate::load::bundled(&single, Path::new("spec/api.yaml"), &files), Ok(None)));
}
