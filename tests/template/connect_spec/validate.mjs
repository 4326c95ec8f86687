// Checks connect.yaml files with commercetools' own Connect specification parser.
// Usage: node validate.mjs FILE...  Prints one line per file; exits 1 if any is refused.
import { readFile } from "node:fs/promises";
import { ConnectorSpecificationParser } from "@commercetools-connect/specification";

const parser = new ConnectorSpecificationParser();
let refused = 0;
for (const file of process.argv.slice(2)) {
  try {
    await parser.parse(await readFile(file, "utf8"));
    console.log(`valid: ${file}`);
  } catch (error) {
    refused += 1;
    console.log(`refused: ${file}\n${error.message}`);
  }
}
if (process.argv.length < 3) {
  console.log("usage: node validate.mjs FILE...");
  process.exit(2);
}
process.exit(refused ? 1 : 0);
