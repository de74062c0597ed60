// Runs the @nestjs/swagger CLI plugin inside ts-jest, so the OpenAPI document that tests see is
// built from the same DTO metadata as `nest build` produces (options mirror nest-cli.json).
const plugin = require('@nestjs/swagger/plugin');
const nestCli = require('../../nest-cli.json');

const options = nestCli.compilerOptions.plugins.find(
  (entry) => entry.name === '@nestjs/swagger',
).options;

module.exports.name = 'nestjs-swagger-plugin';
// ts-jest keys its cache on the transformer's name and version: deriving the version from the
// options makes a change in nest-cli.json transform every file again.
module.exports.version = parseInt(
  require('node:crypto').createHash('sha1').update(JSON.stringify(options)).digest('hex').slice(0, 8),
  16,
);
module.exports.factory = (compiler) => plugin.before(options, compiler.program);
