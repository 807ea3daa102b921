// The umbrella module: `import Perseus` brings in every library module.
@_exported import PerseusCore
