"""PyRadiomics 3.0.1 parameter files: which ones PyRadiomics accepts, and what it makes of them.

Writes about 90 small parameter files into Tests/Fixtures/radiomics/params/ (YAML, JSON and a
few other spellings): PyRadiomics' own example files (examples/exampleSettings/*.yaml of the
pyradiomics repository, in the versions that match 3.0.1, plus older versions that 3.0.1
refuses), hand-written valid files that exercise every setting, and invalid files that each
change one thing in a valid one. For every file, params.json records

- `loads`: whether `RadiomicsFeatureExtractor(path)` succeeds (pykwalify with
  radiomics/schemas/paramSchema.yaml and schemaFuncs.py), with PyRadiomics' error text;
- for files that load: `extractor.settings`, `extractor.enabledImagetypes`,
  `extractor.enabledFeatures` (Python values, see `py()`), and `str()` of the settings and
  enabled image types (what diagnostics_Configuration_Settings / _EnabledImageTypes print);
- for files that load: `execute`, the outcome of `extractor.execute(image, mask)` on a small
  synthetic case (and voxel-based when the file has a voxelSetting): whether it raised, the
  image-type prefixes and the features computed per class, and how many features came out
  NaN. A file that loads but cannot be used (it raises, or gives NaN features) is what
  SinoRad refuses when it reads the file;
- `key`: for the files made invalid on purpose, the path of the offending entry, which
  SinoRad's message must name.

The fixture also holds PyRadiomics' feature names per class (getFeatureNames(), with the
deprecated flag), its image types, pywt's wavelet lists, SimpleITK's interpolator enum values,
the no-file defaults, and repr() of a few hundred floats (for the Python float formatting).

    .venv-peers/bin/python scripts/peers/radiomics_params.py
"""
import logging
import os
import platform
import re
import sys

# PyRadiomics' messages print sets: fix the hash seed so the fixture text is the same on every run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np
import pykwalify
import pywt
import radiomics
import ruamel.yaml
import SimpleITK as sitk
from radiomics import featureextractor, getFeatureClasses, getImageTypes
from fixture_json import write_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "radiomics", "params")

# --------------------------------------------------------------------------------------------
# PyRadiomics' example parameter files (BSD-3-Clause, (c) the PyRadiomics developers), verbatim
# from github.com/AIM-Harvard/pyradiomics examples/exampleSettings/ at the commits named.

EXAMPLES = {}

EXAMPLES["pyradiomics_exampleCT.yaml"] = ("b5e6081cfcd15790287f95904d7d9b2fe8f13d9c", """\
# This is an example of settings that can be used as a starting point for analyzing CT data. This is only intended as a
# starting point and is not likely to be the optimal settings for your dataset. Some points in determining better values
# are added as comments where appropriate

# When adapting and using these settings for an analysis, be sure to add the PyRadiomics version used to allow you to
# easily recreate your extraction at a later timepoint:

# #############################  Extracted using PyRadiomics version: <version>  ######################################

imageType:
  Original: {}
  LoG:
    sigma: [1.0, 2.0, 3.0, 4.0, 5.0]  # If you include sigma values >5, remember to also increase the padDistance.
  Wavelet: {}

featureClass:
  # redundant Compactness 1, Compactness 2 an Spherical Disproportion features are disabled by default, they can be
  # enabled by specifying individual feature names (as is done for glcm) and including them in the list.
  shape:
  firstorder:
  glcm:  # Disable SumAverage by specifying all other GLCM features available
    - 'Autocorrelation'
    - 'JointAverage'
    - 'ClusterProminence'
    - 'ClusterShade'
    - 'ClusterTendency'
    - 'Contrast'
    - 'Correlation'
    - 'DifferenceAverage'
    - 'DifferenceEntropy'
    - 'DifferenceVariance'
    - 'JointEnergy'
    - 'JointEntropy'
    - 'Imc1'
    - 'Imc2'
    - 'Idm'
    - 'Idmn'
    - 'Id'
    - 'Idn'
    - 'InverseVariance'
    - 'MaximumProbability'
    - 'SumEntropy'
    - 'SumSquares'
  glrlm:
  glszm:
  gldm:

setting:
  # Normalization:
  # most likely not needed, CT gray values reflect absolute world values (HU) and should be comparable between scanners.
  # If analyzing using different scanners / vendors, check if the extracted features are correlated to the scanner used.
  # If so, consider enabling normalization by uncommenting settings below:
  #normalize: true
  #normalizeScale: 500  # This allows you to use more or less the same bin width.

  # Resampling:
  # Usual spacing for CT is often close to 1 or 2 mm, if very large slice thickness is used,
  # increase the resampled spacing.
  # On a side note: increasing the resampled spacing forces PyRadiomics to look at more coarse textures, which may or
  # may not increase accuracy and stability of your extracted features.
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [1, 1, 1]
  padDistance: 10  # Extra padding for large sigma valued LoG filtered images

  # Mask validation:
  # correctMask and geometryTolerance are not needed, as both image and mask are resampled, if you expect very small
  # masks, consider to enable a size constraint by uncommenting settings below:
  #minimumROIDimensions: 2
  #minimumROISize: 50

  # Image discretization:
  # The ideal number of bins is somewhere in the order of 16-128 bins. A possible way to define a good binwidt is to
  # extract firstorder:Range from the dataset to analyze, and choose a binwidth so, that range/binwidth remains approximately
  # in this range of bins.
  binWidth: 25

  # first order specific settings:
  voxelArrayShift: 1000  # Minimum value in HU is -1000, shift +1000 to prevent negative values from being squared.

  # Misc:
  # default label value. Labels can also be defined in the call to featureextractor.execute, as a commandline argument,
  # or in a column "Label" in the input csv (batchprocessing)
  label: 1
""")

GLCM_BUT_SUMAVERAGE = """\
  glcm:  # Disable SumAverage by specifying all other GLCM features available
    - 'Autocorrelation'
    - 'JointAverage'
    - 'ClusterProminence'
    - 'ClusterShade'
    - 'ClusterTendency'
    - 'Contrast'
    - 'Correlation'
    - 'DifferenceAverage'
    - 'DifferenceEntropy'
    - 'DifferenceVariance'
    - 'JointEnergy'
    - 'JointEntropy'
    - 'Imc1'
    - 'Imc2'
    - 'Idm'
    - 'Idmn'
    - 'Id'
    - 'Idn'
    - 'InverseVariance'
    - 'MaximumProbability'
    - 'SumEntropy'
    - 'SumSquares'
"""

EXAMPLES["pyradiomics_exampleMR_3mm.yaml"] = ("54232d3174fe2f2d008f84de0089ae9436eb4f31", """\
# This is an example of settings that can be used as a starting point for analyzing MR data with small (~3mm) slice
# thickness. This is only intended as a starting point and is not likely to be the optimal settings for your dataset.
# Some points in determining better values are added as comments where appropriate

# When adapting and using these settings for an analysis, be sure to add the PyRadiomics version used to allow you to
# easily recreate your extraction at a later timepoint:

# #############################  Extracted using PyRadiomics version: <version>  ######################################

imageType:
  Original: {}
  LoG:
    # If you include sigma values >5, remember to also increase the padDistance. Because of resampling to (2, 2, 2), the
    # use of sigmas < 2 mm is not recommended.
    sigma: [2.0, 3.0, 4.0, 5.0]
  Wavelet: {}

featureClass:
  # redundant Compactness 1, Compactness 2 an Spherical Disproportion features are disabled by default, they can be
  # enabled by specifying individual feature names (as is done for glcm) and including them in the list.
  shape:
  firstorder:
""" + GLCM_BUT_SUMAVERAGE + """\
  glrlm:
  glszm:
  gldm:

setting:
  # Normalization:
  # MR signal is usually relative, with large differences between scanners and vendors. By normalizing the image before
  # feature calculation, this confounding effect may be reduced. However, if only one specific scanner is used, or the
  # images reflect some absolute world value (e.g. ADC maps, T2maps (NOT T2 weighted)), consider disabling the
  # normalization.
  normalize: true
  normalizeScale: 100  # This allows you to use more or less the same bin width.

  # Resampling:
  # If slices are very thin (~1mm), such as in 3D scanned (isotropic) volumes, resampledPixelSpacing may be reduced to
  # (1, 1, 1). Furthermore, in case of isotropic volumes, consider disabling resampling.
  # On a side note: increasing the resampled spacing forces PyRadiomics to look at more coarse textures, which may or
  # may not increase accuracy and stability of your extracted features.
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [2, 2, 2]

  # Mask validation:
  # correctMask and geometryTolerance are not needed, as both image and mask are resampled, if you expect very small
  # masks, consider to enable a size constraint by uncommenting settings below:
  #minimumROIDimensions: 2
  #minimumROISize: 50

  # Image discretization:
  # The ideal number of bins is somewhere in the order of 16-128 bins. A possible way to define a good binwidt is to
  # extract firstorder:Range from the dataset to analyze, and choose a binwidth so, that range/binwidth remains approximately
  # in this range of bins.
  binWidth: 5

  # first order specific settings:
  # When normalizing, gray values below the mean will be negative. Shifting by 300 (3 StdDevs * 100) ensures that the
  # majority of voxels is positive (only outliers >3 SD lower than the mean will be negative).
  voxelArrayShift: 300

  # Misc:
  # default label value. Labels can also be defined in the call to featureextractor.execute, as a commandline argument,
  # or in a column "Label" in the input csv (batchprocessing)
  label: 1
""")

EXAMPLES["pyradiomics_exampleMR_5mm.yaml"] = ("b5e6081cfcd15790287f95904d7d9b2fe8f13d9c", """\
# This is an example of settings that can be used as a starting point for analyzing MR data with large(r) (~5mm) slice
# thickness. This is only intended as a starting point and is not likely to be the optimal settings for your dataset.
# Some points in determining better values are added as comments where appropriate

# When adapting and using these settings for an analysis, be sure to add the PyRadiomics version used to allow you to
# easily recreate your extraction at a later timepoint:

# #############################  Extracted using PyRadiomics version: <version>  ######################################

imageType:
  Original: {}
  LoG:
    # Because of resampling to (3, 3, 3), the use of sigmas < 3 mm is not recommended.
    sigma: [3.0, 5.0]
  Wavelet: {}

featureClass:
  # redundant Compactness 1, Compactness 2 an Spherical Disproportion features are disabled by default, they can be
  # enabled by specifying individual feature names (as is done for glcm) and including them in the list.
  shape:
  firstorder:
""" + GLCM_BUT_SUMAVERAGE + """\
  glrlm:
  glszm:
  gldm:

setting:
  # Normalization:
  # MR signal is usually relative, with large differences between scanners and vendors. By normalizing the image before
  # feature calculation, this confounding effect may be reduced. However, if only one specific scanner is used, or the
  # images reflect some absolute world value (e.g. ADC maps, T2maps (NOT T2 weighted)), consider disabling the
  # normalization.
  normalize: true
  normalizeScale: 100  # This allows you to use more or less the same bin width.

  # Resampling:
  # Increasing the resampled spacing forces PyRadiomics to look at more coarse textures, which may or
  # may not increase accuracy and stability of your extracted features. Using a small spacing in large slices generates
  # many interpolated voxels, potentially 'masking' the signal contained in the image.
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [3, 3, 3]

  # Mask validation:
  # correctMask and geometryTolerance are not needed, as both image and mask are resampled, if you expect very small
  # masks, consider to enable a size constraint by uncommenting settings below:
  #minimumROIDimensions: 2
  #minimumROISize: 50

  # Image discretization:
  # The ideal number of bins is somewhere in the order of 16-128 bins. A possible way to define a good binwidt is to
  # extract firstorder:Range from the dataset to analyze, and choose a binwidth so, that range/binwidth remains approximately
  # in this range of bins.
  binWidth: 5

  # first order specific settings:
  # When normalizing, gray values below the mean will be negative. Shifting by 300 (3 StdDevs * 100) ensures that the
  # majority of voxels is positive (only outliers >3 SD lower than the mean will be negative).
  voxelArrayShift: 300

  # Misc:
  # default label value. Labels can also be defined in the call to featureextractor.execute, as a commandline argument,
  # or in a column "Label" in the input csv (batchprocessing)
  label: 1
""")

EXAMPLES["pyradiomics_exampleMR_NoResampling.yaml"] = ("09c51253c7f6acc48f8674ca5d1716482a3d0901", """\
# This is an example of settings that can be used as a starting point for analyzing MR data without resampling. This may
# be especially usefull where there is a very large difference in in-plane spacing and slice thickness. This example
# uses forced 2D extraction to handle the anisotropic voxels. It assumes that the input are axial slices. If a different
# orientation is used, update the force2Ddimension parameter accordingly.

# This is only intended as a starting point and is not likely to be the optimal settings for your dataset.
# Some points in determining better values are added as comments where appropriate

# When adapting and using these settings for an analysis, be sure to add the PyRadiomics version used to allow you to
# easily recreate your extraction at a later timepoint:

# #############################  Extracted using PyRadiomics version: <version>  ######################################

imageType:
  Original: {}
  LoG:
    # If the in-plane spacing is large (> 2mm), consider removing sigma value 1.
    sigma: [1.0, 3.0, 5.0]
  Wavelet: {}

featureClass:
  # redundant Compactness 1, Compactness 2 an Spherical Disproportion features are disabled by default, they can be
  # enabled by specifying individual feature names (as is done for glcm) and including them in the list.
  shape:
  firstorder:
""" + GLCM_BUT_SUMAVERAGE + """\
  glrlm:
  glszm:
  gldm:

setting:
  # Normalization:
  # MR signal is usually relative, with large differences between scanners and vendors. By normalizing the image before
  # feature calculation, this confounding effect may be reduced. However, if only one specific scanner is used, or the
  # images reflect some absolute world value (e.g. ADC maps, T2maps (NOT T2 weighted)), consider disabling the
  # normalization.
  normalize: true
  normalizeScale: 100  # This allows you to use more or less the same bin width.

  # Resampling:
  # Not enabled in this example. However, because texture calculation assumes isotropic spacing, a forced 2D extraction
  # is used, therefore only requiring the voxels to be isotropic in-plane. Enable pre-cropping to reduce memory
  # footprint and speed up applying the filters.
  preCrop: true

  # Forced 2D extracion:
  # This allows to calculate texture features using anisotropic voxels (although it assumes that voxels are isotropic
  # in-plane). This is an alternative to resampling the image to isotropic voxels.
  force2D: true
  force2Ddimension: 0  # axial slices, for coronal slices, use dimension 1 and for sagittal, dimension 2.

  # Mask validation:
  # correctMask and geometryTolerance are not needed, as both image and mask are resampled, if you expect very small
  # masks, consider to enable a size constraint by uncommenting settings below:
  #minimumROIDimensions: 2
  #minimumROISize: 50

  # Image discretization:
  # The ideal number of bins is somewhere in the order of 16-128 bins. A possible way to define a good binwidt is to
  # extract firstorder:Range from the dataset to analyze, and choose a binwidth so, that range/binwidth remains approximately
  # in this range of bins.
  binWidth: 5

  # first order specific settings:
  # When normalizing, gray values below the mean will be negative. Shifting by 300 (3 StdDevs * 100) ensures that the
  # majority of voxels is positive (only outliers >3 SD lower than the mean will be negative).
  voxelArrayShift: 300

  # Misc:
  # default label value. Labels can also be defined in the call to featureextractor.execute, as a commandline argument,
  # or in a column "Label" in the input csv (batchprocessing)
  label: 1
""")

# Params.yaml names `shape:` twice under featureClass: ruamel.yaml (0.19) refuses duplicate keys.
EXAMPLES["pyradiomics_Params.yaml"] = ("54232d3174fe2f2d008f84de0089ae9436eb4f31", """\
# This is an example of a parameters file
# It is written according to the YAML-convention (www.yaml.org) and is checked by the code for consistency.
# Three types of parameters are possible and reflected in the structure of the document:
#
# Parameter category:
#   Setting Name: <value>
#
# The three parameter categories are:
# - setting: Setting to use for preprocessing and class specific settings. if no <value> is specified, the value for
#   this setting is set to None.
# - featureClass: Feature class to enable, <value> is list of strings representing enabled features. If no <value> is
#   specified or <value> is an empty list ('[]'), all features for this class are enabled.
# - imageType: image types to calculate features on. <value> is custom kwarg settings (dictionary). if <value> is an
#   empty dictionary ('{}'), no custom settings are added for this input image.
#
# Some parameters have a limited list of possible values. Where this is the case, possible values are listed in the
# package documentation

# Settings to use, possible settings are listed in the documentation (section "Customizing the extraction").
setting:
  binWidth: 25
  label: 1
  interpolator: 'sitkBSpline' # This is an enumerated value, here None is not allowed
  resampledPixelSpacing: # This disables resampling, as it is interpreted as None, to enable it, specify spacing in x, y, z as [x, y , z]
  weightingNorm: # If no value is specified, it is interpreted as None

# Image types to use: "Original" for unfiltered image, for possible filters, see documentation.
imageType:
  Original: {} # for dictionaries / mappings, None values are not allowed, '{}' is interpreted as an empty dictionary

# Featureclasses, from which features must be calculated. If a featureclass is not mentioned, no features are calculated
# for that class. Otherwise, the specified features are calculated, or, if none are specified, all are calculated (excluding redundant/deprecated features).
featureClass:
  shape:
  # redundant Compactness 1, Compactness 2 an Spherical Disproportion features are disabled by default, they can be
  # enabled by specifying individual feature names (as is done for glcm) and including them in the list.
  shape:
  firstorder: [] # specifying an empty list has the same effect as specifying nothing.
""" + GLCM_BUT_SUMAVERAGE + """\
  glrlm: # for lists none values are allowed, in this case, all features are enabled
  glszm:
  gldm:  # contains deprecated features, but as no individual features are specified, the deprecated features are not enabled
""")

EXAMPLES["pyradiomics_exampleVoxel.yaml"] = ("49bda8cb4d2f1cad902d98297d5dd8f3058b901c", """\

imageType:
  Original: {}

featureClass:
  glcm:
    - JointEntropy

setting:
  binWidth: 25
  force2D: true
  label: 1

voxelSetting:
  kernelRadius: 2
  maskedKernel: true
  initValue: nan
  voxelBatch: 10000
""")

# Newer than 3.0.1: `force2DDimension` is not a setting (force2Ddimension is).
EXAMPLES["pyradiomics_MR_2D_extraction.yaml"] = ("1f8c7789bf747a30f32d8dd05a5f8b1fd5442370", """\
# This is an example of settings that can be used as a starting point for extractting 2D features from MR data 
# This is only intended as a starting point and is not likely to be the optimal settings for your dataset.
# Some points in determining better values are added as comments where appropriate

# When adapting and using these settings for an analysis, be sure to add the PyRadiomics version used to allow you to
# easily recreate your extraction at a later timepoint:

# #############################  Extracted using PyRadiomics version: <version>  ######################################

imageType:
  Original: {}
  LoG:
    sigma: [2.0, 3.0, 4.0, 5.0]
  Wavelet: {}

featureClass:
  shape2D:
  firstorder:
""" + GLCM_BUT_SUMAVERAGE.replace("  # Disable SumAverage by specifying all other GLCM features available", "") + """\
  glrlm:
  glszm:
  gldm:

setting:
  # Normalization:
  normalize: true
  normalizeScale: 100
  
  # Resampling:
  # first dimensions always correspond to in-plane resolution.
  # Z-plane resolution should not be modified to avoid mask errors (> than 1 slice after resampling)
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [2, 2, 0]
  padDistance: 10
  preCrop: true


  # 2D settings
  # force2Ddimension setting is relative to the acquisition plane.
  #For example, the axial plane (0) corresponds to the acquisition plane (axial, sagittal or coronal) of the MRI volume.
  # Therefore, in most cases this setting should not be modified.
  force2DDimension: 0
  
  # Image discretization:
  binWidth: 5

  # first order specific settings:
  voxelArrayShift: 300

  # Misc:
  label: 1
""")

# Older versions (the 2.x layout and 2.x shape feature names) that 3.0.1 refuses.
EXAMPLES["pyradiomics_exampleCT_2x.yaml"] = ("a49797a3a56944f0e1e6314f839cf6bb95f7c5c1", """\
inputImage:
  Original: {}
  LoG:
    sigma: [1.0, 2.0, 3.0, 4.0, 5.0]  # If you include sigma values >5, remember to also increase the padDistance.
  wavelet: {}

featureClass:
  shape: ['Volume',
          'SurfaceArea',
          'SurfaceVolumeRatio',
          'Sphericity',
          'SphericalDisproportion',
          'Maximum3DDiameter',
          'Maximum2DDiameterSlice',
          'Maximum2DDiameterColumn',
          'Maximum2DDiameterRow',
          'MajorAxis',
          'MinorAxis',
          'LeastAxis',
          'Elongation',
          'Flatness'] # Only enable these shape descriptors (disables redundant Compactness 1 and Compactness 2)
  firstorder:
  glcm:
  glrlm:
  glszm:

setting:
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [1, 1, 1]
  padDistance: 10  # Extra padding for large sigma valued LoG filtered images
  binWidth: 25
  voxelArrayShift: 1000  # Minimum value in HU is -1000, shift +1000 to prevent negative values from being squared.
  label: 1
""")

EXAMPLES["pyradiomics_exampleMR_5mm_2x.yaml"] = ("70665ccba830f52e75594489c09d82a469f04640", """\
imageType:
  Original: {}
  LoG:
    # Because of resampling to (3, 3, 3), the use of sigmas < 3 mm is not recommended.
    sigma: [3.0, 5.0]
  Wavelet: {}

featureClass:
  shape: ['Volume',
          'SurfaceArea',
          'SurfaceVolumeRatio',
          'Sphericity',
          'SphericalDisproportion',
          'Maximum3DDiameter',
          'Maximum2DDiameterSlice',
          'Maximum2DDiameterColumn',
          'Maximum2DDiameterRow',
          'MajorAxis',
          'MinorAxis',
          'LeastAxis',
          'Elongation',
          'Flatness'] # Only enable these shape descriptors (disables redundant Compactness 1 and Compactness 2)
  firstorder:
  glcm:
  glrlm:
  glszm:

setting:
  normalize: true
  normalizeScale: 100  # This allows you to use more or less the same bin width.
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [3, 3, 3]
  binWidth: 5
  voxelArrayShift: 300
  label: 1
""")

# Where the example's problem is (for the ones 3.0.1 refuses).
EXAMPLE_KEYS = {
    "pyradiomics_Params.yaml": "'shape'",
    "pyradiomics_MR_2D_extraction.yaml": "setting.force2DDimension",
    "pyradiomics_exampleCT_2x.yaml": "inputImage",
    "pyradiomics_exampleMR_5mm_2x.yaml": "featureClass.shape",
}

# --------------------------------------------------------------------------------------------
# Hand-written files: (name, text, key). `key` is the path of the entry made wrong on purpose
# (None for files meant to be valid). Each invalid file is one change from a valid one.

BASE = """\
imageType:
  Original: {}
  LoG:
    sigma: [1.0, 2.0]
featureClass:
  firstorder:
  glcm:
setting:
  binWidth: 10
  label: 1
"""


def base_with(setting_line):
    """BASE with one more line under `setting:`."""
    return BASE + "  " + setting_line + "\n"


FILES = [
    # ---- valid: structure ----
    ("empty_map.yaml", "{}\n", None),
    ("setting_only.yaml", "setting:\n  binWidth: 10\n", None),
    ("empty_sections.yaml", "setting: {}\nimageType: {}\nfeatureClass: {}\nvoxelSetting: {}\n", None),
    ("base.yaml", BASE, None),
    ("base.yml", BASE, None),
    ("flow_style.yaml", "{setting: {binWidth: 5, label: 1}, imageType: {Original: {}, Square: {}}, featureClass: {ngtdm: , glszm: []}}\n", None),
    ("featureclass_order.yaml", "featureClass:\n  ngtdm:\n  shape: [Sphericity, Compactness1]\n  glszm: []\n  firstorder: [Mean, StandardDeviation, Mean]\n"
     "  gldm: [DependencePercentage, LargeDependenceEmphasis]\n  glcm: [SumVariance, MCC, Dissimilarity]\n  glrlm:\n", None),
    # shape2D needs an ROI one slice thick along force2Ddimension: these run on the flat case.
    ("featureclass_shape2d.yaml", "featureClass:\n  shape2D:\n  firstorder: [Mean]\nsetting:\n  force2D: true\n  force2Ddimension: 0\n", None),
    ("imagetypes_all.yaml", "imageType:\n  Original: {}\n  LoG: {sigma: [2.0]}\n  Wavelet: {}\n  Square: {}\n  SquareRoot: {}\n  Logarithm: {}\n"
     "  Exponential: {}\n  Gradient: {}\nfeatureClass:\n  firstorder: [Mean, Median]\n", None),
    ("imagetypes_order.yaml", "imageType:\n  Gradient: {}\n  Original: {}\n  Square: {}\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("lbp2d.yaml", "imageType:\n  LBP2D: {lbp2DRadius: 2.0, lbp2DSamples: 12, lbp2DMethod: default}\nfeatureClass:\n  firstorder: [Mean]\n"
     "setting:\n  force2D: true\n  binWidth: 1\n", None),
    ("lbp3d.yaml", "imageType:\n  Original: {}\n  LBP3D: {lbp3DLevels: 3, lbp3DIcosphereRadius: 2.0, lbp3DIcosphereSubdivision: 0}\n"
     "featureClass:\n  firstorder: [Mean]\n", None),
    ("custom_per_type.yaml", "imageType:\n  Original: {binWidth: 20}\n  LoG: {sigma: [2.0, 3], binWidth: 5}\n  Wavelet: {wavelet: db2, level: 2, start_level: 1}\n"
     "  Square: {}\n  Gradient: {gradientUseSpacing: false, label: 1}\nfeatureClass:\n  firstorder: [Mean, Entropy]\n  glcm: [Contrast]\n"
     "setting:\n  binWidth: 10\n  sigma: [1.0]\n", None),
    ("log_int_sigma.yaml", "imageType:\n  LoG:\n    sigma: [1, 2.5, 3.0, 4]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("log_sigma_spellings.yaml", "imageType:\n  LoG:\n    sigma: [1.e0, 0x2, +2.50, 1_5e-1, .5e+1]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("log_global_sigma.yaml", "imageType:\n  Original: {}\n  LoG: {}\nsetting:\n  sigma: [3.0, 1.0]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("wavelet_haar.yaml", "imageType:\n  Wavelet: {}\nsetting:\n  wavelet: haar\n  level: 2\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("wavelet_bior.yaml", "imageType:\n  Wavelet: {wavelet: 'bior1.3'}\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("wavelet_dmey_unused.yaml", "setting:\n  wavelet: dmey\n  start_level: 0\n", None),
    ("interpolator_linear.yaml", "setting:\n  interpolator: sitkLinear\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("interpolator_nn.yaml", "setting:\n  interpolator: \"sitkNearestNeighbor\"\n  resampledPixelSpacing: [1.5, 1.5, 0]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("interpolator_lanczos.yaml", "setting:\n  interpolator: sitkLanczosWindowedSinc\n  resampledPixelSpacing: [2.0, 2.0, 2.0]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("interpolator_code_2.yaml", "setting:\n  interpolator: 2\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("interpolator_code_6.yaml", "setting:\n  interpolator: 6\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("interpolator_code_10.yaml", "setting:\n  interpolator: 10\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("interpolator_null.yaml", "setting:\n  interpolator: null\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("weighting_euclidean.yaml", "setting:\n  weightingNorm: euclidean\nfeatureClass:\n  glcm: [Contrast]\n  glrlm: [RunPercentage]\n", None),
    ("weighting_manhattan.yaml", "setting:\n  weightingNorm: manhattan\nfeatureClass:\n  glcm: [Contrast]\n  glrlm: [RunPercentage]\n", None),
    ("weighting_infinity.yaml", "setting:\n  weightingNorm: infinity\nfeatureClass:\n  glcm: [Contrast]\n", None),
    ("weighting_none.yaml", "setting:\n  weightingNorm: no_weighting\nfeatureClass:\n  glrlm: [RunPercentage]\n", None),
    ("resegment_absolute.yaml", "setting:\n  resegmentRange: [50, 350]\n  resegmentShape: true\nfeatureClass:\n  shape: [VoxelVolume]\n  firstorder: [Mean]\n", None),
    ("resegment_relative.yaml", "setting:\n  resegmentRange: [0.2]\n  resegmentMode: relative\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("resegment_sigma.yaml", "setting:\n  resegmentRange: [-2, 2.5]\n  resegmentMode: sigma\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("normalize.yaml", "setting:\n  normalize: true\n  normalizeScale: 2.5\n  removeOutliers: 3\n  binWidth: 0.25\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("bincount.yaml", "setting:\n  binCount: 16\n  binWidth: 3\nfeatureClass:\n  glcm: [Contrast]\n", None),
    ("mask_settings.yaml", "setting:\n  minimumROIDimensions: 3\n  minimumROISize: 20\n  geometryTolerance: 1e-5\n  correctMask: true\n"
     "  label_channel: 0\n  additionalInfo: false\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("force2d_dim2.yaml", "setting:\n  force2D: true\n  force2Ddimension: 2\n  distances: [1, 2]\nfeatureClass:\n  glcm: [Contrast]\n  glszm: [ZonePercentage]\n", None),
    ("texture_settings.yaml", "setting:\n  distances: [1, 2, 3]\n  symmetricalGLCM: false\n  gldm_a: 2\n  voxelArrayShift: 1000\nfeatureClass:\n"
     "  firstorder: [Energy]\n  glcm: [Contrast]\n  gldm: [SmallDependenceEmphasis]\n  ngtdm: [Coarseness]\n", None),
    ("precrop.yaml", "setting:\n  preCrop: true\n  padDistance: 2\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("filters_misc.yaml", "imageType:\n  Gradient: {gradientUseSpacing: false}\n  Logarithm: {}\n  Exponential: {}\n  SquareRoot: {}\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("optional_nulls.yaml", "setting:\n  binCount: null\n  resampledPixelSpacing:\n  weightingNorm: ~\n  minimumROISize: Null\n  geometryTolerance: NULL\n"
     "  removeOutliers:\n  resegmentRange:\nfeatureClass:\n  glcm: [Contrast]\n", None),
    # Flags PyRadiomics tests for truth only: null acts as false (the script checks the values are the same).
    ("flag_nulls.yaml", "setting:\n  correctMask:\n  normalize:\n  preCrop:\n  resegmentShape:\n  resegmentRange: [100]\n"
     "  symmetricalGLCM: null\nfeatureClass:\n  shape: [VoxelVolume]\n  firstorder: [Mean]\n  glcm: [ClusterShade, Contrast]\n"
     "voxelSetting:\n  maskedKernel: null\n", None),
    ("flag_nulls_false.yaml", "setting:\n  correctMask: false\n  normalize: false\n  preCrop: false\n  resegmentShape: false\n  resegmentRange: [100]\n"
     "  symmetricalGLCM: false\nfeatureClass:\n  shape: [VoxelVolume]\n  firstorder: [Mean]\n  glcm: [ClusterShade, Contrast]\n"
     "voxelSetting:\n  maskedKernel: false\n", None),
    ("additionalinfo_null.yaml", "setting:\n  additionalInfo: null\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("yaml_numbers.yaml", "setting:\n  label: 0x01\n  padDistance: 0o7\n  binWidth: 1_0\n  geometryTolerance: 1E-4\n  normalizeScale: +2\n  voxelArrayShift: -0\n"
     "featureClass:\n  firstorder: [Mean]\n", None),
    ("yaml_explicit_tags.yaml", "setting:\n  label: !!int \"1\"\n  binWidth: !!float 10\n  wavelet: !!str coif2\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("yaml_anchors.yaml", "imageType:\n  LoG: &custom {sigma: [2.0], binWidth: 5}\n  Square: *custom\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("voxel_settings.yaml", "featureClass:\n  firstorder: [Mean]\n  glcm: [Contrast]\nvoxelSetting:\n  kernelRadius: 1\n  maskedKernel: false\n  initValue: -1\n  voxelBatch: 50\n", None),
    ("voxel_initvalue_string.yaml", "featureClass:\n  firstorder: [Mean]\nvoxelSetting:\n  initValue: '2.5'\n", None),
    # Two spacings are right for a 2-D image: on the 3-D case execute() fails (the file itself is fine).
    ("spacing_two_values.yaml", "setting:\n  resampledPixelSpacing: [2, 2]\nfeatureClass:\n  firstorder: [Mean]\n", None),
    ("json_base.json", '{"imageType": {"Original": {}, "LoG": {"sigma": [1.0, 2]}}, "featureClass": {"firstorder": null, "glcm": []},\n'
     ' "setting": {"binWidth": 10, "label": 1, "interpolator": "sitkBSpline", "resampledPixelSpacing": [2.0, 2, 2], "normalizeScale": 1.0}}\n', None),
    ("json_numbers.json", '{\n\t"setting": {\n\t\t"binWidth": 2.5e1,\n\t\t"geometryTolerance": 1E-5,\n\t\t"padDistance": 0,\n\t\t"voxelArrayShift": -10,\n'
     '\t\t"removeOutliers": 3,\n\t\t"normalize": false\n\t},\n\t"featureClass": {"firstorder": ["Mean"]}\n}\n', None),
    ("json_compact.json", '{"setting":{"binWidth":5,"label":1,"correctMask":true},"imageType":{"Square":{"binWidth":0.5}},"featureClass":{"firstorder":["Mean"]}}', None),
    ("json_unicode.json", '{"setting": {"wavelet": "\\u0063oif1"}, "featureClass": {"firstorder": ["Mean"]}}\n', None),

    # ---- invalid: structure and syntax ----
    ("bad_empty_file.yaml", "", "(file)"),
    ("bad_comments_only.yaml", "# nothing here\n", "(file)"),
    ("bad_top_list.yaml", "- setting: {binWidth: 10}\n", "(file)"),
    ("bad_top_key.yaml", BASE.replace("setting:", "settings:"), "settings"),
    ("bad_setting_null.yaml", "setting:\nfeatureClass:\n  firstorder:\n", "setting"),
    ("bad_voxelsetting_null.yaml", "voxelSetting:\n", "voxelSetting"),
    ("bad_imagetype_null.yaml", "imageType:\nsetting: {binWidth: 5}\n", "imageType"),
    ("bad_imagetype_value_null.yaml", BASE.replace("  Original: {}", "  Original:"), "imageType.Original"),
    ("bad_featureclass_null.yaml", "featureClass:\nsetting: {binWidth: 5}\n", "featureClass"),
    ("bad_syntax.yaml", BASE.replace("  binWidth: 10", "  binWidth: [10"), "(file)"),
    ("bad_duplicate_key.yaml", base_with("binWidth: 20"), "binWidth"),
    ("bad_extension.txt", BASE, "(file)"),
    ("bad_json_syntax.json", '{"setting": {"binWidth": 10,}}\n', "(file)"),
    ("bad_json_top_list.json", '[{"setting": {}}]\n', "(file)"),
    # ---- invalid: setting keys ----
    ("bad_unknown_setting.yaml", BASE.replace("binWidth: 10", "binwidth: 10"), "setting.binwidth"),
    ("bad_unknown_setting2.yaml", base_with("sigmas: [1.0]"), "setting.sigmas"),
    ("bad_voxel_key_in_setting.yaml", base_with("kernelRadius: 2"), "setting.kernelRadius"),
    ("bad_setting_in_voxelsetting.yaml", BASE + "voxelSetting:\n  binWidth: 5\n", "voxelSetting.binWidth"),
    ("bad_voxelsetting_value.yaml", BASE + "voxelSetting:\n  kernelRadius: 0\n  maskedKernel: 1\n", "voxelSetting.kernelRadius"),
    # ---- invalid: values ----
    ("bad_binwidth_negative.yaml", BASE.replace("binWidth: 10", "binWidth: -5"), "setting.binWidth"),
    ("bad_binwidth_zero.yaml", BASE.replace("binWidth: 10", "binWidth: 0.0"), "setting.binWidth"),
    ("bad_binwidth_text.yaml", BASE.replace("binWidth: 10", "binWidth: 'ten'"), "setting.binWidth"),
    ("bad_binwidth_bool.yaml", BASE.replace("binWidth: 10", "binWidth: true"), "setting.binWidth"),
    ("bad_binwidth_list.yaml", BASE.replace("binWidth: 10", "binWidth: [10]"), "setting.binWidth"),
    ("bad_label_zero.yaml", BASE.replace("label: 1", "label: 0"), "setting.label"),
    ("bad_label_float.yaml", BASE.replace("label: 1", "label: 1.0"), "setting.label"),
    ("bad_label_string.yaml", BASE.replace("label: 1", "label: '1'"), "setting.label"),
    ("bad_min_roi_dims.yaml", base_with("minimumROIDimensions: 4"), "setting.minimumROIDimensions"),
    ("bad_min_roi_size.yaml", base_with("minimumROISize: 0"), "setting.minimumROISize"),
    ("bad_force2ddimension.yaml", base_with("force2Ddimension: 3"), "setting.force2Ddimension"),
    ("bad_paddistance.yaml", base_with("padDistance: -1"), "setting.padDistance"),
    ("bad_distances_zero.yaml", base_with("distances: [1, 0]"), "setting.distances"),
    ("bad_distances_scalar.yaml", base_with("distances: 1"), "setting.distances"),
    ("bad_distances_float.yaml", base_with("distances: [1.5]"), "setting.distances"),
    ("bad_sigma_negative.yaml", BASE.replace("sigma: [1.0, 2.0]", "sigma: [1.0, -2.0]"), "imageType.LoG.sigma"),
    ("bad_sigma_scalar.yaml", base_with("sigma: 1.0"), "setting.sigma"),
    ("bad_spacing_negative.yaml", base_with("resampledPixelSpacing: [-1, 1, 1]"), "setting.resampledPixelSpacing"),
    ("bad_spacing_string.yaml", base_with("resampledPixelSpacing: '1,1,1'"), "setting.resampledPixelSpacing"),
    ("bad_resegment_mode.yaml", base_with("resegmentMode: percentile"), "setting.resegmentMode"),
    ("bad_resegment_range_text.yaml", base_with("resegmentRange: [low, 100]"), "setting.resegmentRange"),
    ("bad_lbp2d_method.yaml", base_with("lbp2DMethod: nri_uniform"), "setting.lbp2DMethod"),
    ("bad_lbp2d_samples.yaml", base_with("lbp2DSamples: 0"), "setting.lbp2DSamples"),
    ("bad_interpolator_name.yaml", base_with("interpolator: sitkCubic"), "setting.interpolator"),
    ("bad_interpolator_case.yaml", base_with("interpolator: sitkbspline"), "setting.interpolator"),
    ("bad_interpolator_code_0.yaml", base_with("interpolator: 0"), "setting.interpolator"),
    ("bad_interpolator_code_11.yaml", base_with("interpolator: 11"), "setting.interpolator"),
    ("bad_interpolator_code_23.yaml", base_with("interpolator: 23"), "setting.interpolator"),
    ("bad_interpolator_float.yaml", base_with("interpolator: 2.0"), "setting.interpolator"),
    ("bad_wavelet_name.yaml", base_with("wavelet: db99"), "setting.wavelet"),
    ("bad_wavelet_int.yaml", base_with("wavelet: 3"), "setting.wavelet"),
    ("bad_weighting_name.yaml", base_with("weightingNorm: euclidian"), "setting.weightingNorm"),
    ("bad_weighting_int.yaml", base_with("weightingNorm: 2"), "setting.weightingNorm"),
    ("bad_normalize_yes.yaml", base_with("normalize: yes"), "setting.normalize"),
    ("bad_gldm_a.yaml", base_with("gldm_a: -1"), "setting.gldm_a"),
    ("bad_voxelarrayshift_float.yaml", base_with("voxelArrayShift: 1.5"), "setting.voxelArrayShift"),
    ("bad_level_zero.yaml", base_with("level: 0"), "setting.level"),
    ("bad_start_level.yaml", base_with("start_level: -1"), "setting.start_level"),
    ("bad_normalize_scale.yaml", base_with("normalizeScale: 0"), "setting.normalizeScale"),
    ("bad_geometry_tolerance.yaml", base_with("geometryTolerance: 0"), "setting.geometryTolerance"),
    ("bad_label_channel.yaml", base_with("label_channel: -1"), "setting.label_channel"),
    ("bad_bincount.yaml", base_with("binCount: 0"), "setting.binCount"),
    ("bad_json_bool_string.json", '{"setting": {"binWidth": 10, "correctMask": "true"}}\n', "setting.correctMask"),
    ("bad_json_label_float.json", '{"setting": {"binWidth": 10, "label": 1.0}}\n', "setting.label"),
    # ---- invalid: image types ----
    ("bad_imagetype_unknown.yaml", BASE.replace("  LoG:", "  Wavelets: {}\n  LoG:"), "imageType.Wavelets"),
    ("bad_imagetype_case.yaml", BASE.replace("  LoG:", "  log:"), "imageType.log"),
    ("bad_imagetype_custom_key.yaml", BASE.replace("sigma: [1.0, 2.0]", "sigma: [1.0, 2.0]\n    binwidth: 5"), "imageType.LoG.binwidth"),
    ("bad_imagetype_voxel_key.yaml", BASE.replace("  Original: {}", "  Original: {kernelRadius: 2}"), "imageType.Original.kernelRadius"),
    ("bad_imagetype_custom_value.yaml", BASE.replace("  Original: {}", "  Original: {binWidth: -1}"), "imageType.Original.binWidth"),
    # ---- invalid: feature classes ----
    ("bad_featureclass_unknown.yaml", BASE.replace("  glcm:", "  GLCM:"), "featureClass.GLCM"),
    ("bad_featureclass_unknown2.yaml", BASE.replace("  glcm:", "  glcms:"), "featureClass.glcms"),
    ("bad_feature_typo.yaml", BASE.replace("  glcm:", "  glcm: [Contrst, Correlation]"), "featureClass.glcm"),
    ("bad_feature_wrong_class.yaml", BASE.replace("  glcm:", "  glrlm: [Contrast]"), "featureClass.glrlm"),
    ("bad_feature_not_list.yaml", BASE.replace("  glcm:", "  glcm: Contrast"), "featureClass.glcm"),
    ("bad_feature_number.yaml", BASE.replace("  firstorder:", "  firstorder: [10Percentile, 90]"), "featureClass.firstorder"),
    # ---- invalid: several problems at once (every one must be listed) ----
    ("bad_many.yaml", "setting:\n  binWidth: -1\n  labl: 2\n  interpolator: sitkCubic\nimageType:\n  Orginal: {}\n  LoG: {sigma: [0]}\n"
     "featureClass:\n  glcm: [Contrst]\n  shape3D:\nvoxelSetting:\n  kernelRadius: -2\n", "setting.binWidth"),
    # ---- PyRadiomics loads these, but they cannot be used (see `execute`) ----
    ("unusable_wavelet_continuous.yaml", "imageType:\n  Wavelet: {}\nsetting:\n  wavelet: mexh\nfeatureClass:\n  firstorder: [Mean]\n", "setting.wavelet"),
    ("unusable_interpolator_code_3.yaml", "setting:\n  interpolator: 3\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n",
     "setting.interpolator"),
    ("unusable_binwidth_string.yaml", "setting:\n  binWidth: '25'\nfeatureClass:\n  firstorder: [Entropy]\n", "setting.binWidth"),
    ("unusable_binwidth_nan.yaml", "setting:\n  binWidth: .nan\nfeatureClass:\n  firstorder: [Entropy]\n", "setting.binWidth"),
    ("unusable_binwidth_null.yaml", "setting:\n  binWidth:\nfeatureClass:\n  firstorder: [Entropy]\n", "setting.binWidth"),
    ("unusable_resegment_three.yaml", "setting:\n  resegmentRange: [1, 2, 3]\nfeatureClass:\n  firstorder: [Mean]\n", "setting.resegmentRange"),
    ("unusable_resegment_empty.yaml", "setting:\n  resegmentRange: []\nfeatureClass:\n  firstorder: [Mean]\n", "setting.resegmentRange"),
    ("unusable_spacing_empty.yaml", "setting:\n  resampledPixelSpacing: []\nfeatureClass:\n  firstorder: [Mean]\n", "setting.resampledPixelSpacing"),
    ("unusable_sigma_null_item.yaml", "imageType:\n  LoG: {sigma: [1.0, null]}\nfeatureClass:\n  firstorder: [Mean]\n", "imageType.LoG.sigma"),
    ("unusable_label_null.yaml", "setting:\n  label:\nfeatureClass:\n  firstorder: [Mean]\n", "setting.label"),
    ("unusable_distances_empty.yaml", "setting:\n  distances: []\nfeatureClass:\n  glcm: [Contrast]\n", "setting.distances"),
    ("unusable_voxelarrayshift_null.yaml", "setting:\n  voxelArrayShift:\nfeatureClass:\n  firstorder: [Energy]\n", "setting.voxelArrayShift"),
    ("unusable_force2d_null.yaml", "setting:\n  force2D:\nfeatureClass:\n  glcm: [Contrast]\n", "setting.force2D"),
    ("unusable_gradient_spacing_null.yaml", "imageType:\n  Gradient: {gradientUseSpacing: null}\nfeatureClass:\n  firstorder: [Mean]\n",
     "imageType.Gradient.gradientUseSpacing"),
    # PyRadiomics reads `true` as interpolator code 1 (sitkNearestNeighbor); SinoRad refuses a boolean here.
    ("unusable_interpolator_bool.yaml", "setting:\n  interpolator: true\n  resampledPixelSpacing: [2, 2, 2]\nfeatureClass:\n  firstorder: [Mean]\n",
     "setting.interpolator"),
    ("unusable_sigma_string.yaml", "imageType:\n  LoG: {sigma: ['2.0']}\nfeatureClass:\n  firstorder: [Mean]\n", "imageType.LoG.sigma"),
]


# Files that are fine but fail on the (3-D) test case.
DATA_DEPENDENT = {"spacing_two_values.yaml": "two spacings suit a 2-D image; the test case is 3-D"}

# Files whose features must equal another file's (null flags act as false).
SAME_VALUES = {"flag_nulls.yaml": "flag_nulls_false.yaml", "additionalinfo_null.yaml": "setting_only_mean.yaml"}
FILES.append(("setting_only_mean.yaml", "setting:\n  additionalInfo: false\nfeatureClass:\n  firstorder: [Mean]\n", None))

# --------------------------------------------------------------------------------------------

def py(value):
    """A Python value as JSON, keeping what JSON cannot say: non-finite floats become
    {"float": "nan"|"inf"|"-inf"}; tuples do not occur in parameter files."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if value != value:
            return {"float": "nan"}
        if value in (float("inf"), float("-inf")):
            return {"float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, list):
        return [py(v) for v in value]
    if isinstance(value, dict):
        return {str(k): py(v) for k, v in value.items()}
    return {"type": type(value).__name__, "repr": repr(value)}


def error_text(error, limit=700):
    """The exception's text (all lines, at most `limit` characters)."""
    text = re.sub(r"0x[0-9a-f]{6,}", "0x...", str(error).strip()) or type(error).__name__  # no pointers
    return text if len(text) <= limit else text[:limit] + "..."


def test_case():
    """A small synthetic case: int16 image 24 x 22 x 14 (spacing 1, 1, 1.5), an ellipsoid ROI, and
    the same ROI's slice z = 6 alone (the flat case, for shape2D)."""
    rng = np.random.default_rng(20240531)
    z, y, x = np.indices((14, 22, 24))
    image = (rng.integers(0, 400, size=(14, 22, 24)) + 10 * x).astype(np.int16)
    inside = ((x - 11.5) / 7.0) ** 2 + ((y - 10.5) / 6.0) ** 2 + ((z - 6.5) / 4.2) ** 2 <= 1.0
    mask = inside.astype(np.uint8)
    flat = np.zeros_like(mask)
    flat[6] = mask[6]
    images = [sitk.GetImageFromArray(a) for a in (image, mask, flat)]
    for im in images:
        im.SetSpacing((1.0, 1.0, 1.5))
        im.SetOrigin((-5.0, 3.0, 10.0))
    return images


def run(extractor, image, mask, voxel):
    """execute() outcome: image-type prefixes, computed features per class (first image type), NaN count."""
    try:
        result = extractor.execute(image, mask, voxelBased=voxel)
    except Exception as error:  # noqa: BLE001 (any failure is the outcome)
        return {"ok": False, "error": type(error).__name__ + ": " + error_text(error, 300)}, None
    prefixes, features, nan, values = [], {}, 0, {}
    for key, value in result.items():
        if key.startswith("diagnostics_"):
            continue
        prefix, cls, name = key.split("_", 2)
        if prefix not in prefixes:
            prefixes.append(prefix)
        if prefix == prefixes[0] or cls.startswith("shape"):
            features.setdefault(cls, [])
            if name not in features[cls]:
                features[cls].append(name)
        if voxel:
            array = sitk.GetArrayFromImage(value)
            nan += int(np.isnan(array).all())
            values[key] = array
        else:
            values[key] = value
            if isinstance(value, (float, np.floating, np.ndarray)) and np.isnan(value).any():
                nan += 1
    return {"ok": True, "prefixes": prefixes, "features": features, "nanFeatures": nan}, values


def record(path, image, mask, flat_mask):
    """What PyRadiomics makes of the file at `path`, and the feature values of its runs."""
    entry, values = {}, {}
    try:
        extractor = featureextractor.RadiomicsFeatureExtractor(path)
    except Exception as error:  # noqa: BLE001
        entry["loads"] = False
        entry["error"] = type(error).__name__ + ": " + error_text(error).replace(path, os.path.basename(path))
        return entry, values
    entry["loads"] = True
    entry["settings"] = py(extractor.settings)
    entry["enabledImagetypes"] = py(extractor.enabledImagetypes)
    entry["enabledFeatures"] = py(extractor.enabledFeatures)
    entry["featureClassOrder"] = list(extractor.enabledFeatures)  # (JSON readers may not keep key order)
    entry["settingsStr"] = str(extractor.settings)
    entry["imageTypesStr"] = str(extractor.enabledImagetypes)
    shape2d = "shape2D" in extractor.enabledFeatures and extractor.settings.get("force2D")
    if shape2d:
        entry["case"] = "flat"
    entry["execute"], values["segment"] = run(extractor, image, flat_mask if shape2d else mask, voxel=False)
    if "kernelRadius" in extractor.settings or "initValue" in extractor.settings or "voxelBatch" in extractor.settings \
            or "maskedKernel" in extractor.settings:
        entry["executeVoxel"], values["voxel"] = run(extractor, image, mask, voxel=True)
    sitk.ProcessObject.SetGlobalDefaultCoordinateTolerance(1e-6)
    sitk.ProcessObject.SetGlobalDefaultDirectionTolerance(1e-6)
    return entry, values


def same_values(a, b):
    """Whether two runs gave the same features (diagnostics aside), NaN equal to NaN."""
    if a is None and b is None:
        return True
    if a is None or b is None or a.keys() != b.keys():
        return False
    return all(np.array_equal(np.asarray(a[k]), np.asarray(b[k]), equal_nan=True) for k in a)


def float_reprs():
    """repr() of floats of every magnitude (Python's shortest round-trip repr and its layout)."""
    rng = np.random.default_rng(7)
    values = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 3.0, 25.0, 100.0, 1e-4, 1e-5, 0.00012345, 1e15, 1e16, 1.5e16,
              9007199254740992.0, 123456789012345.6, 1234567890123456.7, 12345678901234567.0, 1e22, 1e100, 5e-324,
              1.7976931348623157e308, 2.2250738585072014e-308, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-7, 123.456, 1e-3, 0.001]
    for exponent in range(-12, 22):
        values.extend(float(v) for v in rng.uniform(1, 10, 4) * 10.0 ** exponent)
        values.append(float(10.0 ** exponent))
    values.extend(-v for v in values[:40])
    return [[v, repr(v)] for v in values]


def main():
    logging.disable(logging.CRITICAL)
    radiomics.setVerbosity(logging.CRITICAL)
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    image, mask, flat_mask = test_case()

    written = []
    for name, (commit, text) in EXAMPLES.items():
        written.append((name, text, EXAMPLE_KEYS.get(name), "pyradiomics examples/exampleSettings at " + commit))
    for name, text, key in FILES:
        written.append((name, text, key, None))

    files, runs = {}, {}
    for name, text, key, source in written:
        path = os.path.join(OUT, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        entry = {"key": key} if key is not None else {}
        if name in DATA_DEPENDENT:
            entry["dataDependent"] = DATA_DEPENDENT[name]
        if source:
            entry["source"] = source
        result, runs[name] = record(path, image, mask, flat_mask)
        entry.update(result)
        files[name] = entry
        status = "loads" if entry["loads"] else "refused"
        if entry["loads"]:
            ex = entry["execute"]
            status += ", execute " + ("ok" if ex["ok"] else "fails") + (f" ({ex['nanFeatures']} NaN)" if ex.get("nanFeatures") else "")
            if "executeVoxel" in entry:
                status += ", voxel " + ("ok" if entry["executeVoxel"]["ok"] else "fails")
        print(f"{name:45s} {status}")

    for name, other in SAME_VALUES.items():
        equal = all(same_values(runs[name].get(kind), runs[other].get(kind)) for kind in ("segment", "voxel"))
        files[name]["sameValuesAs"] = {"file": other, "equal": equal}
        print(f"{name} gives the same values as {other}: {equal}")

    default = featureextractor.RadiomicsFeatureExtractor()
    classes = getFeatureClasses()
    sitk_codes = {name: int(getattr(sitk, name)) for name in [
        "sitkNearestNeighbor", "sitkLinear", "sitkBSpline", "sitkGaussian", "sitkLabelGaussian", "sitkHammingWindowedSinc",
        "sitkCosineWindowedSinc", "sitkWelchWindowedSinc", "sitkLanczosWindowedSinc", "sitkBlackmanWindowedSinc"]}
    fixture = {
        "generator": "scripts/peers/radiomics_params.py",
        "versions": {
            "pyradiomics": radiomics.__version__, "numpy": np.__version__, "SimpleITK": sitk.Version.VersionString(),
            "pywt": pywt.__version__, "pykwalify": pykwalify.__version__, "ruamel.yaml": ruamel.yaml.__version__,
            "python": platform.python_version(),
        },
        "case": "int16 24 x 22 x 14 (x, y, z), spacing (1, 1, 1.5), ellipsoid ROI, numpy default_rng(20240531)",
        "featureNames": {name: cls.getFeatureNames() for name, cls in classes.items()},
        "imageTypes": getImageTypes(),
        "wavelets": pywt.wavelist(),
        "discreteWavelets": pywt.wavelist(kind="discrete"),
        "interpolatorCodes": sitk_codes,
        "defaults": {
            "settings": py(default.settings), "enabledImagetypes": py(default.enabledImagetypes),
            "enabledFeatures": py(default.enabledFeatures), "featureClassOrder": list(default.enabledFeatures),
            "settingsStr": str(default.settings), "imageTypesStr": str(default.enabledImagetypes),
        },
        "floatReprs": float_reprs(),
        "files": files,
    }
    write_fixture(os.path.join(OUT, "params.json"), fixture)
    print(f"{len(files)} files, {sum(1 for f in files.values() if f['loads'])} load")


if __name__ == "__main__":
    sys.exit(main())
