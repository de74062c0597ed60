// Runs the @nestjs/swagger CLI plugin inside ts-jest, so the OpenAPI document that tests see is
// built from the same DTO metadata as `nest build` produces (options mirror nest-cli.json).
const plugin = require('@nestjs/swagger/plugin');
const nestCli = require('../../nest-cli.json');

const options = nestCli.compilerOptions.plugins.find(
  (entry) => entry.name === '@nestjs/swagger',
).options;

module.exports.name = 'nestjs-swagger-plugin';
module.exports.version = 1;
module.exports.factory = (compiler) => plugin.before(options, compiler.program);
