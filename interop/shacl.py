"""Validates European Digital Credentials with pySHACL against the ELM 3.2 EDC shapes.

    python shacl.py FIXTURES FILE...   -> one JSON line per file: {file, conforms, violations}

FIXTURES is ../shared/fixtures: the shapes (EDC-generic-full.ttl merged with
EDC-generic-no-cv.ttl) and the JSON-LD contexts are read from there, never fetched. A sealed
EDC (JAdES JSON serialization) is validated by its payload. No RDFS inference: inference over
the ELM ontology reports spurious violations.
"""

import json
import sys

import pyshacl
import rdflib

CONTEXTS = {
    "https://www.w3.org/2018/credentials/v1": "contexts/credentials-v1.jsonld",
    "http://data.europa.eu/snb/model/context/edc-ap": "elm-3.2/edc-ap-context.jsonld",
}


def local_contexts(fixtures, contexts):
    if not isinstance(contexts, list):
        contexts = [contexts]
    resolved = []
    for context in contexts:
        if isinstance(context, str):
            if context not in CONTEXTS:
                raise ValueError(f"unknown context {context}: only local copies are read")
            with open(f"{fixtures}/{CONTEXTS[context]}", encoding="utf-8") as f:
                resolved.append(json.load(f)["@context"])
        else:
            resolved.append(context)
    return resolved


def main():
    fixtures, files = sys.argv[1], sys.argv[2:]
    shapes = rdflib.Graph()
    shapes.parse(f"{fixtures}/elm-3.2/shapes/EDC-generic-full.ttl", format="turtle")
    shapes.parse(f"{fixtures}/elm-3.2/shapes/EDC-generic-no-cv.ttl", format="turtle")
    for file in files:
        try:
            with open(file, encoding="utf-8") as f:
                document = json.load(f)
            if "payload" in document and "signatures" in document:
                document = json.loads(document["payload"])
            document["@context"] = local_contexts(fixtures, document["@context"])
            data = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
            conforms, results, _ = pyshacl.validate(
                data, shacl_graph=shapes, inference="none", advanced=False
            )
            violations = []
            query = """
                PREFIX sh: <http://www.w3.org/ns/shacl#>
                SELECT ?focus ?path ?message WHERE {
                    ?r a sh:ValidationResult ; sh:focusNode ?focus ; sh:resultMessage ?message .
                    OPTIONAL { ?r sh:resultPath ?path }
                }"""
            for focus, path, message in results.query(query):
                violations.append({"focus": str(focus), "path": str(path or ""), "message": str(message)})
            print(json.dumps({"file": file, "conforms": bool(conforms), "violations": violations}))
        except Exception as error:  # one bad file does not stop the others
            print(json.dumps({"file": file, "conforms": False, "error": str(error)}))


if __name__ == "__main__":
    main()
