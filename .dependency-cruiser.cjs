// The module graph's rules, checked by `npm run lint` (docs/architecture.md, "Layers").
//   common/, config/, infrastructure/  →  nothing above them
//   modules/<domain>/                  →  common, config, infrastructure and lower domains
//   features/<feature>/                →  everything below, never another feature
// plus: no import cycle anywhere in src/, and no module reaches another's repository or records.
const DOMAIN_ORDER = [
  'users',
  'auth',
  'likes',
  'follows',
  'watch-history',
  'resumable-uploads',
  'videos',
  'community-posts',
  'comments',
  'playlists',
  'timelines',
  'notifications',
];

/** A domain may import only the domains listed before it (and health, which stands alone). */
const domainRules = DOMAIN_ORDER.map((domain, index) => ({
  name: `domain-${domain}-imports-only-lower-domains`,
  comment: `${domain} may depend on: ${DOMAIN_ORDER.slice(0, index).join(', ') || 'no other domain'}`,
  severity: 'error',
  from: { path: `^src/modules/${domain}/` },
  to: {
    path: '^src/modules/([^/]+)/',
    pathNot: [`^src/modules/(${[domain, ...DOMAIN_ORDER.slice(0, index)].join('|')})/`],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle means two pieces of code that cannot be understood apart.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'foundation-imports-no-domain',
      comment: 'common, config and infrastructure sit below every domain and feature.',
      severity: 'error',
      from: { path: '^src/(common|config|infrastructure)/' },
      to: { path: '^src/(modules|features)/' },
    },
    {
      name: 'domain-imports-no-feature',
      comment: 'Domains sit below the features that combine them.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/features/' },
    },
    {
      name: 'feature-imports-no-other-feature',
      comment: 'Features are independent of each other; what two need belongs in a domain.',
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/', pathNot: '^src/features/$1/' },
    },
    {
      name: 'module-private-records',
      comment:
        'Repositories and their lean records (with ObjectIds) stay inside their module: only plain string ids and DTOs cross a module boundary.',
      severity: 'error',
      from: { path: '^src/(?:modules|features)/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/[^/]+(?:\\.repository|-records\\.type)\\.ts$',
        pathNot: '^src/modules/$1/',
      },
    },
    {
      name: 'health-stands-alone',
      comment: 'Health checks depend on infrastructure only.',
      severity: 'error',
      from: { path: '^src/modules/health/' },
      to: { path: '^src/(modules|features)/', pathNot: '^src/modules/health/' },
    },
    ...domainRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
