// Run by scripts/validate_openapi (which sets NODE_PATH to the pinned install):
// validates one OpenAPI document with @apidevtools/swagger-parser and exits 1,
// printing each problem, when it is not valid.
"use strict";
const SwaggerParser = require("@apidevtools/swagger-parser");

const file = process.argv[2];
SwaggerParser.validate(file)
  .then((api) => {
    const paths = Object.keys(api.paths || {}).length;
    console.log(`${file}: valid OpenAPI ${api.openapi} (${paths} paths)`);
  })
  .catch((err) => {
    console.error(`${file}: not valid OpenAPI`);
    // Schema errors come as one message with a line per problem.
    console.error(String(err.message || err));
    process.exit(1);
  });
