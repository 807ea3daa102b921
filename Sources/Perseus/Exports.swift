// The umbrella module: `import Perseus` brings in every library module.
@_exported import PerseusCore
@_exported import PerseusHDF5
@_exported import PerseusIO
@_exported import PerseusPhysics
@_exported import PerseusNeural
@_exported import PerseusFit
@_exported import PerseusInstruments
