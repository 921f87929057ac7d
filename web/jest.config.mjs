import nextJest from "next/jest.js";

const createJestConfig = nextJest({ dir: "./" });

/** @type {import('jest').Config} */
const config = {
  testEnvironment: "jsdom",
  setupFilesAfterEnv: ["<rootDir>/jest.setup.ts"],
  moduleNameMapper: {
    "^@/(.*)$": "<rootDir>/$1",
    // The SDK ships only ESM with named exports (ClientResponseError); next.config's
    // transpilePackages makes next/jest compile it to CommonJS for Jest.
    "^pocketbase$": "<rootDir>/node_modules/pocketbase/dist/pocketbase.es.js",
    // react-markdown and its unified/micromark tree ship only ESM, which Jest
    // cannot load untransformed: tests render the Markdown source as text.
    "^react-markdown$": "<rootDir>/test/react-markdown.tsx",
    "^remark-gfm$": "<rootDir>/test/remark-gfm.ts",
    // VisActor draws on a canvas jsdom lacks: tests get a stub that shows
    // the chart's data; Playwright checks the real charts.
    "^@visactor/react-vchart$": "<rootDir>/test/react-vchart.tsx",
  },
  testPathIgnorePatterns: ["<rootDir>/node_modules/", "<rootDir>/e2e/", "<rootDir>/.next/", "<rootDir>/out/"],
  modulePathIgnorePatterns: ["<rootDir>/out/", "<rootDir>/.next/"],
};

export default createJestConfig(config);
